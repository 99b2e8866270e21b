namespace ImageClassifier.Data.Loading;

/// <summary>
/// A sample's label is not a class of the model (outside 0 to num_classes - 1): caught where the
/// batch is made, so the user reads which sample and why instead of libtorch's "Target 7 is out
/// of bounds" from inside the loss.
/// </summary>
public sealed class LabelOutOfRangeException : Exception
{
    /// <summary>Creates the exception; the message names the dataset, the sample, its label and the class count.</summary>
    /// <param name="dataset">The dataset as the user knows it ("MNIST dataset (train_dataloader.dataset)").</param>
    /// <param name="index">The sample's index in the dataset.</param>
    /// <param name="source">Where the sample came from.</param>
    /// <param name="label">The label found.</param>
    /// <param name="numClasses">The model's class count.</param>
    public LabelOutOfRangeException(string dataset, int index, string source, long label, int numClasses)
        : base($"{dataset}: sample {index} ({source}) has label {label}, but the model has num_classes {numClasses} (labels 0 to {numClasses - 1}): " +
               "set model.head.num_classes to the dataset's class count, or fix the dataset's labels.")
    {
        Dataset = dataset;
        Index = index;
        SampleSource = source;
        Label = label;
        NumClasses = numClasses;
    }

    /// <summary>The dataset as the message names it.</summary>
    public string Dataset { get; }

    /// <summary>The sample's index in the dataset.</summary>
    public int Index { get; }

    /// <summary>Where the sample came from (a file, or a file and record).</summary>
    public string SampleSource { get; }

    /// <summary>The label found.</summary>
    public long Label { get; }

    /// <summary>The model's class count.</summary>
    public int NumClasses { get; }
}
