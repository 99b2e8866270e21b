using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

/// <summary>Our BatchNorm2d against TorchSharp's nn.BatchNorm2d, which follows PyTorch.</summary>
public sealed class BatchNorm2dTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Training_and_evaluation_match_torch_nn_BatchNorm2d(bool affine, bool trackRunningStats)
    {
        using var ours = new BatchNorm2d(3, eps: 1e-3, momentum: 0.2, affine, trackRunningStats);
        using var reference = nn.BatchNorm2d(3, eps: 1e-3, momentum: 0.2, affine, trackRunningStats);
        var generator = new Generator(4);
        if (affine)
        {
            using var noGrad = torch.no_grad();
            using var weight = torch.rand([3], generator: generator);
            using var bias = torch.randn([3], generator: generator);
            ours.get_parameter("weight")!.copy_(weight);
            ours.get_parameter("bias")!.copy_(bias);
            reference.weight!.copy_(weight);
            reference.bias!.copy_(bias);
        }

        for (var step = 0; step < 4; step++)
        {
            using var input = torch.randn([5, 3, 4, 4], generator: generator).mul_(ScalarConstants.MinusOne);
            using var fromOurs = ours.call(input);
            using var fromReference = reference.call(input);
            Assert.True(Same(fromOurs, fromReference), $"training output {step} differs");
        }

        ours.eval();
        reference.eval();
        using var test = torch.randn([2, 3, 4, 4], generator: generator);
        using var evalOurs = ours.call(test);
        using var evalReference = reference.call(test);
        Assert.True(Same(evalOurs, evalReference));

        var oursState = ours.state_dict();
        var referenceState = reference.state_dict();
        Assert.Equal(referenceState.Keys.Order(), oursState.Keys.Order());
        Assert.All(referenceState, pair => Assert.True(Same(pair.Value, oursState[pair.Key]), pair.Key));
        if (trackRunningStats)
        {
            Assert.Equal(4L, oursState["num_batches_tracked"].item<long>());
        }
    }

    [Fact]
    public void It_answers_to_the_names_init_cfg_uses_and_refuses_other_ranks()
    {
        using var layer = new BatchNorm2d(2);
        Assert.Equal(["BatchNorm2d", "_BatchNorm"], LayerTypeNames.Of(layer));
        Assert.True(NormParameters.IsBatchNorm(layer));
        using var flat = torch.zeros(4, 2);
        var error = Assert.Throws<ArgumentException>(() => layer.call(flat));
        Assert.Contains("4-D input", error.Message, StringComparison.Ordinal);
    }

    private static bool Same(Tensor a, Tensor b) => a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
