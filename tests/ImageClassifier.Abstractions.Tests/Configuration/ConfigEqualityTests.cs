namespace ImageClassifier.Tests.Configuration;

public class ConfigEqualityTests
{
    [Fact]
    public void ArraysAreEqualItemByItem()
    {
        Assert.True(ConfigEquality.AreEqual(new[] { 1, 5 }, new[] { 1, 5 }));
        Assert.False(ConfigEquality.AreEqual(new[] { 1, 5 }, new[] { 1 }));
        Assert.False(ConfigEquality.AreEqual(new[] { 1, 5 }, null));
        Assert.Equal(ConfigEquality.GetHashCode(new[] { 1, 5 }), ConfigEquality.GetHashCode(new List<int> { 1, 5 }));
    }

    [Fact]
    public void StringsAreComparedAsValuesNotSequences()
    {
        Assert.True(ConfigEquality.AreEqual("pytorch", "pytorch"));
        Assert.False(ConfigEquality.AreEqual("pytorch", "caffe"));
    }

    [Fact]
    public void LiteralsAreWrittenAsJsonWould()
    {
        Assert.Equal("[1, 5]", ConfigLiteral.Format(new[] { 1, 5 }));
        Assert.Equal("\"mean\"", ConfigLiteral.Format(Reduction.Mean));
        Assert.Equal("0.1", ConfigLiteral.Format(0.1));
        Assert.Equal("false", ConfigLiteral.Format(false));
    }
}
