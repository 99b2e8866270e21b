using ImageClassifier.Models.Layers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class GRNTests
{
    [Fact]
    public void Starts_as_the_identity()
    {
        using var grn = new GRN(3);
        using var input = randn(2, 3, 4, 5);
        using var output = grn.call(input);
        Assert.True(output.allclose(input, 0, 0));
    }

    [Fact]
    public void Follows_convnext_v2s_formula_in_both_layouts()
    {
        // gamma * (x * n) + beta + x, n the channel's spatial L2 norm over the mean of those norms.
        using var grn = new GRN(2, eps: 0);
        using (no_grad())
        {
            grn.named_parameters().Single(pair => pair.name == "gamma").parameter.copy_(tensor(new[] { 2f, -1f }));
            grn.named_parameters().Single(pair => pair.name == "beta").parameter.copy_(tensor(new[] { 0.5f, 0f }));
        }

        // One sample, channel 0 = (3, 4) (norm 5), channel 1 = (0, 0) ... (norm 0): mean norm 2.5.
        using var input = tensor(new[] { 3f, 4f, 0f, 0f }).reshape(1, 2, 1, 2);
        using var output = grn.call(input);
        Assert.Equal(new[] { (2f * 3 * 2) + 0.5f + 3, (2f * 4 * 2) + 0.5f + 4, 0f, 0f }, output.data<float>().ToArray());

        using var channelsLast = grn.Forward(input.permute(0, 2, 3, 1), channelsLast: true);
        Assert.True(channelsLast.permute(0, 3, 1, 2).allclose(output, 0, 0));
    }
}
