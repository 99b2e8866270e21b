using ImageClassifier.Models.Layers;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class ChannelRoundingTests
{
    [Theory]
    [InlineData(16.0, 8, 16)]
    [InlineData(12.0, 8, 16)]
    [InlineData(4.0, 8, 8)]
    [InlineData(8.4, 8, 8)]
    [InlineData(11.2, 8, 16)]
    [InlineData(10.5, 8, 16)]
    [InlineData(72.0, 8, 72)]
    [InlineData(134.4, 8, 136)]
    [InlineData(22.4, 4, 24)]
    public void Rounds_like_make_divisible(double value, int divisor, int expected) =>
        Assert.Equal(expected, ChannelRounding.MakeDivisible(value, divisor));

    [Fact]
    public void Honours_the_minimum_value()
    {
        Assert.Equal(16, ChannelRounding.MakeDivisible(3, 8, minValue: 16));
        Assert.Equal(8, ChannelRounding.MakeDivisible(9.5, 8, minRatio: 0.8));
    }
}
