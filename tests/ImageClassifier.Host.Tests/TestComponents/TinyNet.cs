namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>A tiny hand-registered backbone.</summary>
public sealed class TinyNet : TestBackbone
{
    public TinyNet(int depth = 18, double dropRate = 0.0, int[]? outIndices = null)
    {
        Depth = depth;
        DropRate = dropRate;
        OutIndices = outIndices ?? [3];
    }

    public int Depth { get; }

    public double DropRate { get; }

    public int[] OutIndices { get; }
}
