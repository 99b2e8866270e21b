using System.Text.Json;

namespace ImageClassifier.Tests.Configuration;

public sealed class NumberOrListTests
{
    [Theory]
    [InlineData("0.4", true, new[] { 0.4 })]
    [InlineData("128", true, new[] { 128.0 })]
    [InlineData("[0.6, 1.4]", false, new[] { 0.6, 1.4 })]
    [InlineData("[7]", false, new[] { 7.0 })]
    [InlineData("[]", false, new double[0])]
    public void ReadsANumberOrAListAndWritesItBackInTheSameForm(string json, bool isNumber, double[] values)
    {
        var value = JsonSerializer.Deserialize<NumberOrList>(json)!;

        Assert.Equal(isNumber, value.IsNumber);
        Assert.Equal(values, value.Values);
        Assert.Equal(json.Replace(" ", string.Empty, StringComparison.Ordinal), JsonSerializer.Serialize(value));
        Assert.Equal(json, value.ToString());
    }

    [Theory]
    [InlineData("\"0.4\"", "expected a number or a list of numbers, but found the string \"0.4\"")]
    [InlineData("{}", "expected a number or a list of numbers, but found an object")]
    [InlineData("[1, true]", "expected a number in the list at item 1, but found true")]
    public void AnythingElseIsRefusedSayingWhatWasExpected(string json, string message)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<NumberOrList>(json));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTwoFormsOfOneNumberDifferAndEqualValuesAreEqual()
    {
        NumberOrList number = 0.5;
        NumberOrList list = new[] { 0.5 };

        Assert.NotEqual(number, list);
        Assert.Equal(NumberOrList.List(1, 2), (NumberOrList)new[] { 1.0, 2.0 });
        Assert.Equal(NumberOrList.List(1, 2).GetHashCode(), NumberOrList.List(1, 2).GetHashCode());
        Assert.True(ConfigEquality.AreEqual(NumberOrList.Number(3), NumberOrList.Number(3)));
    }
}
