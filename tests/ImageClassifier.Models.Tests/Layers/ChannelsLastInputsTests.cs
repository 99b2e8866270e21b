using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.TestHelpers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

/// <summary>
/// Channels-last batches into NCHW weights, as validation between training epochs runs them on the
/// CPU: every zoo family's outputs, with batch norm statistics far from their initial values, as
/// accurate as NCHW's against a float64 pass. A layer that assumes NCHW memory (a <c>view</c> of a
/// feature map) fails here.
/// </summary>
public sealed class ChannelsLastInputsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_batch_gets_channels_last_strides_and_keeps_its_values(int channels)
    {
        using var batch = torch.randn([2, channels, 5, 7], generator: new Generator(5));

        using var restrided = ChannelsLastInputs.Apply(batch);

        Assert.NotSame(batch, restrided);
        Assert.Equal(new long[] { channels * 35, 1, channels * 7, channels }, restrided.stride());
        Assert.True(ChannelsLastWeights.IsChannelsLast(restrided));
        Assert.True(batch.allclose(restrided, rtol: 0, atol: 0));
    }

    [Fact]
    public void Tensors_that_are_not_NCHW_batches_are_left_as_they_are()
    {
        using var flat = torch.randn([4, 10]);
        using var batch = torch.randn([2, 3, 4, 5]);
        using var transposed = batch.transpose(2, 3);

        Assert.Same(flat, ChannelsLastInputs.Apply(flat));
        Assert.Same(transposed, ChannelsLastInputs.Apply(transposed));
    }

    [Theory]
    [MemberData(nameof(InferenceRewriteTests.Families), MemberType = typeof(InferenceRewriteTests))]
    public void Channels_last_batches_give_outputs_as_accurate_as_NCHW(string family)
    {
        torch.manual_seed(3);
        using var backbone = InferenceRewriteTests.Build(family);
        NormStatistics.Randomize(backbone, seed: 7);
        backbone.eval();
        var size = family.StartsWith("vgg", StringComparison.Ordinal) ? 224 : 64;
        using var input = torch.randn([2, 3, size, size], generator: new Generator(11));
        using var channelsLast = ChannelsLastInputs.Apply(input);
        using var input64 = input.to(ScalarType.Float64);
        using var noGrad = torch.no_grad();

        var nchw = Outputs(backbone, input);
        var restrided = Outputs(backbone, channelsLast);
        backbone.to(ScalarType.Float64);
        var reference = Outputs(backbone, input64);

        AssertAsAccurate(family, reference, nchw, restrided);
    }

    private static Tensor[] Outputs(Backbone backbone, Tensor input) => [.. backbone.call(input).Select(output => output.clone())];

    // Each layout is held to the float64 pass: channels-last must be about as close to it as NCHW
    // (twice its error, or 1e-4 of the largest value). A layer reading the wrong memory would be off
    // by the values' own size.
    private static void AssertAsAccurate(string family, Tensor[] reference, Tensor[] nchw, Tensor[] channelsLast)
    {
        Assert.Equal(reference.Length, channelsLast.Length);
        Assert.Equal(reference.Length, nchw.Length);
        for (var index = 0; index < reference.Length; index++)
        {
            Assert.Equal(reference[index].shape, channelsLast[index].shape);
            using var expected = reference[index].to(ScalarType.Float32);
            var scale = Math.Max(1.0, expected.abs().max().item<float>());
            var nchwError = (nchw[index] - expected).abs().max().item<float>();
            var error = (channelsLast[index] - expected).abs().max().item<float>();
            Assert.True(error <= Math.Max(2 * nchwError, 1e-4 * scale), $"{family} output {index}: channels-last is off float64 by {error}, NCHW by {nchwError} (values up to {scale})");
        }
    }
}
