using ImageClassifier.Runtime;

namespace ImageClassifier.Abstractions.Tests.Runtime;

public sealed class SizeLimitVariableTests
{
    private const string Variable = "ICLS_TEST_LIMIT";

    private static long Read(string? value) => SizeLimitVariable.Read(Variable, 42, "bytes", name => name == Variable ? value : null);

    [Theory]
    [InlineData(null, 42L)]
    [InlineData("  ", 42L)]
    [InlineData("1000", 1000L)]
    [InlineData("64k", 64L << 10)]
    [InlineData("3M", 3L << 20)]
    [InlineData(" 2G ", 2L << 30)]
    [InlineData("1T", 1L << 40)]
    [InlineData("none", long.MaxValue)]
    [InlineData("NONE", long.MaxValue)]
    public void Reads_numbers_binary_suffixes_and_none(string? value, long expected)
    {
        Assert.Equal(expected, Read(value));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5G")]
    [InlineData("1e9")]
    [InlineData("G")]
    [InlineData("9223372036854775807K")]
    [InlineData("unlimited")]
    public void Refuses_anything_else_naming_the_variable_the_value_and_the_default(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => Read(value));

        Assert.Contains($"{Variable}={value}", error.Message);
        Assert.Contains("a limit in bytes", error.Message);
        Assert.Contains("unset, the limit is 42", error.Message);
    }
}
