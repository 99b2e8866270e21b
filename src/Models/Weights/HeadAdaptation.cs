using ImageClassifier.Models.Checkpoints;

namespace ImageClassifier.Models.Weights;

/// <summary>
/// A classifier layer whose class count differs between checkpoint and model: its checkpoint
/// tensors were skipped and the model's layer was kept (timm's head adaptation for fine-tuning).
/// Only a load that asks for it adapts a head; every other load refuses the mismatch.
/// </summary>
/// <param name="Module">The layer's dotted name in the model ("head.fc").</param>
/// <param name="CheckpointClasses">Classes in the checkpoint's layer.</param>
/// <param name="ModelClasses">Classes in the model's layer.</param>
/// <param name="Reinitialized">True when the model's initializers were run on the layer again; false when no initializer reaches it and it kept its weights.</param>
/// <param name="AdaptedKeys">The checkpoint keys that were not loaded, each with the model's and the checkpoint's shape.</param>
public sealed record HeadAdaptation(string Module, long CheckpointClasses, long ModelClasses, bool Reinitialized, IReadOnlyList<ShapeMismatch> AdaptedKeys)
{
    /// <summary>The checkpoint keys that were not loaded ("head.fc.weight", "head.fc.bias").</summary>
    public IReadOnlyList<string> SkippedKeys => [.. AdaptedKeys.Select(key => key.Name)];

    /// <summary>One line: the layer, each adapted key with both shapes, and what became of the layer.</summary>
    public override string ToString() =>
        $"head adapted for fine-tuning: {Module} has {CheckpointClasses} classes in the checkpoint, {ModelClasses} in the model; " +
        string.Join("; ", AdaptedKeys.Select(key => $"{key.Name} checkpoint [{string.Join(", ", key.FoundShape)}] -> model [{string.Join(", ", key.ExpectedShape)}]")) +
        (Reinitialized ? "; the layer was re-initialised" : "; the layer keeps the model's weights");
}
