using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class PatchEmbedTests
{
    [Theory]
    [InlineData(224, 16, 16, "corner", 14, 0, 0)]
    [InlineData(225, 16, 16, "corner", 15, 0, 15)]
    [InlineData(30, 4, 4, "corner", 8, 0, 2)]
    [InlineData(30, 4, 4, "same", 8, 1, 1)]
    [InlineData(7, 3, 2, "same", 4, 1, 1)]
    public void Adaptive_padding_lets_the_patches_cover_every_pixel(int side, int kernel, int stride, string mode, long grid, long before, long after)
    {
        using var embed = new PatchEmbed(inChannels: 1, embedDims: 2, kernelSize: kernel, stride: stride, padding: mode);
        using var padding = new AdaptivePadding(kernel, stride, mode: mode);
        using var scope = NewDisposeScope();
        var image = ones(1, 1, side, side);

        var padded = padding.call(image);
        var tokens = embed.call(image);

        Assert.Equal(side + before + after, padded.shape[2]);
        Assert.Equal(side + before + after, padded.shape[3]);
        Assert.Equal(before == 0 ? 1f : 0f, padded[0, 0, 0, 0].item<float>());
        Assert.Equal(after == 0 ? 1f : 0f, padded[0, 0, -1, -1].item<float>());
        Assert.Equal((grid, grid), embed.OutputSize(side, side));
        Assert.Equal([1L, grid * grid, 2], tokens.shape);
    }

    [Fact]
    public void Tokens_are_the_projected_patches_row_by_row_then_normalised()
    {
        using var embed = new PatchEmbed(inChannels: 3, embedDims: 4, kernelSize: 2, padding: "0", norm: new LayerNormalizationConfig().Build());
        Assert.Equal(["norm.bias", "norm.weight", "projection.bias", "projection.weight"], embed.state_dict().Keys.Order());
        using var scope = NewDisposeScope();
        var state = embed.state_dict();
        var weight = state["projection.weight"].to(float64).reshape(4, 12);
        var bias = state["projection.bias"].to(float64);
        var image = arange(2 * 3 * 4 * 6, dtype: float64).reshape(2, 3, 4, 6).sin();

        var tokens = embed.call(image.to(float32)).to(float64);

        // Patch (row r, column c) of a 4 x 6 image is token r * 3 + c.
        Assert.Equal([2L, 6, 4], tokens.shape);
        for (var row = 0; row < 2; row++)
        {
            for (var column = 0; column < 3; column++)
            {
                var patch = image[.., .., (row * 2)..(row * 2 + 2), (column * 2)..(column * 2 + 2)].reshape(2, 12);
                var projected = patch.matmul(weight.t()) + bias;
                var expected = (projected - projected.mean([1L], keepdim: true)) / (projected.var([1L], unbiased: false, keepdim: true) + 1e-5).sqrt();
                var difference = (tokens[.., (row * 3) + column] - expected).abs().max().item<double>();
                Assert.True(difference < 1e-5, $"patch ({row}, {column}): max |diff| {difference}");
            }
        }
    }

    [Fact]
    public void A_padding_that_is_neither_a_mode_nor_a_number_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new PatchEmbed(padding: "valid"));
        Assert.StartsWith("Patch padding is \"corner\", \"same\" or a number of pixels, not \"valid\".", error.Message, StringComparison.Ordinal);
    }
}
