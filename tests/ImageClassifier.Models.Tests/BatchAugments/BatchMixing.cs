using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.BatchAugments;

/// <summary>
/// Reads back what a batch augmentation did from its output alone: with one sample per class,
/// row i of the mixed scores is λ e_i + (1 - λ) e_p(i), which gives the ratio λ and the partner
/// p(i) of every sample without knowing the random draws.
/// </summary>
internal static class BatchMixing
{
    /// <summary>A batch of <paramref name="count"/> random images (N, C, H, W) whose labels are 0 .. N-1.</summary>
    public static (Tensor Images, Tensor Labels) DistinctBatch(int count, int channels = 2, int height = 10, int width = 12, long seed = 3)
    {
        var generator = new torch.Generator((ulong)seed);
        var images = torch.rand([count, channels, height, width], generator: generator);
        return (images, torch.arange(count, ScalarType.Int64));
    }

    /// <summary>The ratio each sample keeps of itself and its partner, from scores mixed over distinct one-hot labels.</summary>
    public static (double[] Ratios, long[] Partners) Recover(Tensor scores)
    {
        var count = (int)scores.shape[0];
        var rows = scores.to_type(ScalarType.Float64).data<double>().ToArray();
        var ratios = new double[count];
        var partners = new long[count];
        for (var i = 0; i < count; i++)
        {
            var own = rows[(i * count) + i];
            ratios[i] = own;
            partners[i] = i;
            for (var j = 0; j < count; j++)
            {
                if (j != i && rows[(i * count) + j] > 1e-9)
                {
                    partners[i] = j;
                }
            }

            Assert.Equal(1.0, rows.Skip(i * count).Take(count).Sum(), 6);
        }

        return (ratios, partners);
    }
}
