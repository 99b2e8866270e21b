using static TorchSharp.torch;

namespace ImageClassifier.Data.Loading;

/// <summary>
/// One batch from a <see cref="DataLoader"/>: images (N, C, H, W) uint8 (or (V, N, C, H, W) with
/// V test-time views, <see cref="DataLoader.Views"/>) and class indices (N) int64, on the CPU, with the dataset indices and sources of the samples. The batch owns its
/// tensors (they belong to no dispose scope): dispose it when done.
/// </summary>
public sealed class Batch : IDisposable
{
    internal Batch(Tensor inputs, Tensor targets, IReadOnlyList<int> indices, IReadOnlyList<string> sources, int number)
    {
        Inputs = inputs;
        Targets = targets;
        Indices = indices;
        Sources = sources;
        Number = number;
    }

    /// <summary>The images, (N, C, H, W) uint8, or (V, N, C, H, W) with test-time views.</summary>
    public Tensor Inputs { get; }

    /// <summary>The class indices, (N) int64.</summary>
    public Tensor Targets { get; }

    /// <summary>The dataset index of each sample.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Where each sample came from.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>The batch's position in its epoch, from 0.</summary>
    public int Number { get; }

    /// <summary>The number of samples, N.</summary>
    public int Size => Indices.Count;

    /// <summary>Splits the batch into its two tensors.</summary>
    public void Deconstruct(out Tensor inputs, out Tensor targets)
    {
        inputs = Inputs;
        targets = Targets;
    }

    /// <summary>Releases both tensors.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}
