namespace ImageClassifier.Tests.Configuration;

public class OneOfAttributeTests
{
    private static readonly OneOfAttribute Depths = new(18, 34, 50, 101, 152);

    [Theory]
    [InlineData(18)]
    [InlineData(152)]
    [InlineData(50L)]
    [InlineData(34.0)]
    public void AcceptsListedNumbersOfAnyNumericType(object value) => Assert.True(Depths.IsSatisfiedBy(value));

    [Theory]
    [InlineData(19)]
    [InlineData(50.5)]
    [InlineData("50")]
    public void RejectsOtherValues(object value) => Assert.False(Depths.IsSatisfiedBy(value));

    [Fact]
    public void NullIsLeftToNullability() => Assert.True(Depths.IsSatisfiedBy(null));

    [Fact]
    public void ComparesStringsOrdinally()
    {
        var style = new OneOfAttribute("pytorch", "caffe");
        Assert.True(style.IsSatisfiedBy("caffe"));
        Assert.False(style.IsSatisfiedBy("Caffe"));
        Assert.Equal("one of \"pytorch\", \"caffe\"", style.Expectation);
    }

    [Fact]
    public void ValidateNamesTheMemberAndTheAllowedValues()
    {
        var error = Assert.Throws<ConfigValueException>(() => Depths.Validate("depth", 19));
        Assert.Equal("depth must be one of 18, 34, 50, 101, 152, but got 19.", error.Message);
        Assert.Equal("depth", error.Member);
        Assert.Equal(19, error.Value);
    }

    [Fact]
    public void ValidateChecksEachArrayItemAndNamesItsIndex()
    {
        var indices = new OneOfAttribute(0, 1, 2, 3);
        indices.Validate("out_indices", new[] { 0, 3 });
        var error = Assert.Throws<ConfigValueException>(() => indices.Validate("out_indices", new[] { 3, 9 }));
        Assert.Equal("out_indices[1]", error.Member);
    }
}
