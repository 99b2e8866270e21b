namespace ImageClassifier.Models.Weights;

/// <summary>
/// A classifier layer whose class count differs between checkpoint and model: its checkpoint
/// tensors were skipped and the model's layer was kept (timm's head adaptation for fine-tuning).
/// </summary>
/// <param name="Module">The layer's dotted name in the model ("head.fc").</param>
/// <param name="CheckpointClasses">Classes in the checkpoint's layer.</param>
/// <param name="ModelClasses">Classes in the model's layer.</param>
/// <param name="Reinitialized">True when the model's initializers were run on the layer again; false when no initializer reaches it and it kept its weights.</param>
/// <param name="SkippedKeys">The checkpoint keys that were not loaded ("head.fc.weight", "head.fc.bias").</param>
public sealed record HeadAdaptation(string Module, long CheckpointClasses, long ModelClasses, bool Reinitialized, IReadOnlyList<string> SkippedKeys)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Module}: checkpoint has {CheckpointClasses} classes, model has {ModelClasses}; " +
        (Reinitialized ? "the head was re-initialised" : "the head keeps the model's weights");
}
