using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Folds every batch norm that directly follows a convolution into it, for inference: one
/// convolution with a bias instead of a convolution and a normalization pass over its output.
/// The pairs are the consecutive <c>Conv2d</c>, <see cref="BatchNorm2d"/> children of every
/// Sequential (a Sequential feeds each child only the one before it) and those a module names
/// through <see cref="IConvNormPairs"/>. Other norms (group norm, TorchSharp's own batch norm) and
/// other convolutions stay as they are, so the result is always the same function.
/// </summary>
public static class ConvBatchNormFolding
{
    /// <summary>Folds <paramref name="model"/>'s pairs in place; it must be in evaluation mode, and stays unfit for training.</summary>
    /// <returns>How many batch norms were folded.</returns>
    /// <exception cref="InvalidOperationException">The model is in training mode.</exception>
    public static int Fold(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.training)
        {
            throw new InvalidOperationException("Fold batch norms into convolutions in evaluation mode only: call eval() first.");
        }

        var folded = 0;
        foreach (var (conv, norm) in Pairs(model).ToArray())
        {
            if (conv is Conv2d convolution && norm is BatchNorm2d batchNorm && !batchNorm.IsFolded && batchNorm.Foldable)
            {
                batchNorm.FoldInto(convolution);
                folded++;
            }
        }

        return folded;
    }

    private static IEnumerable<(nn.Module<Tensor, Tensor> Conv, nn.Module<Tensor, Tensor> Norm)> Pairs(nn.Module model)
    {
        foreach (var module in model.modules().Prepend(model).Distinct())
        {
            if (module is Sequential sequential)
            {
                var children = sequential.children().ToArray();
                for (var index = 0; index + 1 < children.Length; index++)
                {
                    if (children[index] is nn.Module<Tensor, Tensor> conv && children[index + 1] is nn.Module<Tensor, Tensor> norm)
                    {
                        yield return (conv, norm);
                    }
                }
            }

            if (module is IConvNormPairs named)
            {
                foreach (var pair in named.ConvNormPairs())
                {
                    yield return pair;
                }
            }
        }
    }
}
