namespace ImageClassifier.Engine.Configuration;

/// <summary>The stage a data loader serves: its section is <c>train_dataloader</c>, <c>val_dataloader</c> or <c>test_dataloader</c>.</summary>
public enum RunStage
{
    /// <summary>Training: <c>train_dataloader</c>, shuffled by default.</summary>
    Train,

    /// <summary>Validation: <c>val_dataloader</c>.</summary>
    Val,

    /// <summary>Testing and inference: <c>test_dataloader</c>.</summary>
    Test,
}
