using ImageClassifier.Data.Images;

namespace ImageClassifier.Engine.Inference;

/// <summary>
/// A loaded classifier that takes decoded images through its config's test pipeline and model: the
/// TorchSharp <see cref="ImageClassificationInferencer"/>, or an exported model run by another
/// runtime. Servers and host apps program against this, so the runtime is a choice made at start.
/// </summary>
public interface IImageClassificationInferencer : IDisposable
{
    /// <summary>The class names, by label.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>The number of classes the model scores.</summary>
    int NumClasses { get; }

    /// <summary>The channels the model takes: 1 for grayscale, 3 for colour; images are decoded accordingly.</summary>
    int Channels { get; }

    /// <summary>Classifies decoded images (C, H, W), named by <paramref name="sources"/> in the results.</summary>
    /// <param name="images">The images, decoded with <see cref="Channels"/> channels.</param>
    /// <param name="sources">What to call each image in its result; "image[i]" when null.</param>
    /// <param name="topk">How many classes to report per image.</param>
    /// <param name="batchSize">Images per forward pass (consecutive images of one size share a batch).</param>
    IReadOnlyList<InferenceResult> Infer(IReadOnlyList<ImageData> images, IReadOnlyList<string>? sources = null, int topk = 1, int batchSize = 32);
}
