namespace ImageClassifier.Tests.Configuration;

public class ValueRangeAttributeTests
{
    [Theory]
    [InlineData(0.0, true)]
    [InlineData(3.0, true)]
    [InlineData(-0.5, false)]
    [InlineData(3.5, false)]
    public void ClosedRangeIncludesBothBounds(double value, bool expected)
    {
        Assert.Equal(expected, new ValueRangeAttribute(0, 3).IsSatisfiedBy(value));
    }

    [Fact]
    public void ExclusiveBoundsExcludeThemselves()
    {
        var rate = new ValueRangeAttribute(0, 1) { MaximumExclusive = true };
        Assert.True(rate.IsSatisfiedBy(0.0));
        Assert.False(rate.IsSatisfiedBy(1.0));
        Assert.Equal(">= 0 and < 1", rate.Expectation);
    }

    [Fact]
    public void OneSidedRangeDescribesItsBound()
    {
        var positive = new ValueRangeAttribute { Minimum = 0, MinimumExclusive = true };
        Assert.False(positive.IsSatisfiedBy(0));
        Assert.True(positive.IsSatisfiedBy(1e-9));
        Assert.Equal("> 0", positive.Expectation);
        Assert.Equal("<= 4", new ValueRangeAttribute { Maximum = 4 }.Expectation);
    }

    [Fact]
    public void NonNumbersAndNaNAreRejected()
    {
        var range = new ValueRangeAttribute(0, 3);
        Assert.False(range.IsSatisfiedBy("2"));
        Assert.False(range.IsSatisfiedBy(double.NaN));
    }

    [Fact]
    public void ValidateReportsTheRange()
    {
        var error = Assert.Throws<ConfigValueException>(() => new ValueRangeAttribute(1, 4).Validate("num_stages", 5));
        Assert.Equal("num_stages must be between 1 and 4, but got 5.", error.Message);
    }
}
