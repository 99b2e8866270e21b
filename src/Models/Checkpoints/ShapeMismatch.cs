namespace ImageClassifier.Models.Checkpoints;

/// <summary>A state-dict entry whose tensor has another shape than the module's.</summary>
/// <param name="Name">The state-dict key, after prefix handling.</param>
/// <param name="ExpectedShape">The shape of the module's parameter or buffer.</param>
/// <param name="FoundShape">The shape of the tensor in the checkpoint.</param>
public sealed record ShapeMismatch(string Name, IReadOnlyList<long> ExpectedShape, IReadOnlyList<long> FoundShape)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: the module has [{string.Join(", ", ExpectedShape)}], the checkpoint [{string.Join(", ", FoundShape)}]";
}
