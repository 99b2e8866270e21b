using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>Batch norm statistics made far from their initial values, for tests of inference rewrites.</summary>
internal static class NormStatistics
{
    // Running means and variances, weights and biases of every batch norm away from 0 and 1, and
    // the convolutions' biases away from 0, so that a fold that drops or misapplies any shows.
    public static void Randomize(nn.Module model, ulong seed)
    {
        var generator = new Generator(seed);
        using var noGrad = torch.no_grad();
        void Around(Tensor? tensor, Scalar center)
        {
            if (tensor is not null)
            {
                using var uniform = torch.rand(tensor.shape, generator: generator);
                tensor.copy_(uniform.add(MinusHalf, ScalarConstants.One).mul_(Spread).add_(center, ScalarConstants.One));
            }
        }

        foreach (var module in model.modules())
        {
            if (module is BatchNorm2d norm)
            {
                Around(norm.get_parameter("weight"), ScalarConstants.One);
                Around(norm.get_parameter("bias"), ScalarConstants.Zero);
                Around(norm.get_buffer("running_mean"), ScalarConstants.Zero);
                Around(norm.get_buffer("running_var"), ScalarConstants.One);
            }
            else if (module is TorchSharp.Modules.Conv2d conv)
            {
                Around(conv.bias, ScalarConstants.Zero);
            }
        }
    }

    private static readonly Scalar MinusHalf = (-0.5).ToScalar();
    private static readonly Scalar Spread = 0.4.ToScalar();
}
