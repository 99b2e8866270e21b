namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>A hand-written stand-in for TinyNet's generated config.</summary>
public sealed class TinyNetConfig
{
    public int Depth { get; set; } = 18;

    public double DropRate { get; set; }

    public int[] OutIndices { get; set; } = [3];
}
