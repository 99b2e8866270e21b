namespace ImageClassifier.Hosting.Validation;

/// <summary>
/// The dummy batch a wiring check runs through a model, (N, C, H, W), and where its size and
/// channel count came from, so that an error can say why the model saw that input.
/// </summary>
/// <param name="Shape">The batch's shape, (N, C, H, W) for images.</param>
/// <param name="SizeSource">Where H and W came from: "test_dataloader.dataset.pipeline[1].crop_size (CenterCrop)", "the default 224x224", ...</param>
/// <param name="ChannelSource">Where C came from: "the images of FashionMNIST (test_dataloader.dataset)", "model.data_preprocessor.mean", ...</param>
/// <param name="FromConfig">True when the config gave the shape; false when the caller did (<c>icls build --input-shape</c>), so errors do not tell the config to follow it.</param>
public sealed record ModelInput(IReadOnlyList<long> Shape, string SizeSource, string ChannelSource, bool FromConfig)
{
    /// <summary>An input the caller chose, such as <c>--input-shape 1,3,32,32</c>.</summary>
    /// <param name="shape">The shape, batch first.</param>
    /// <param name="source">How the caller names it in errors.</param>
    public static ModelInput Given(IReadOnlyList<long> shape, string source)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentException.ThrowIfNullOrEmpty(source);
        return new ModelInput([.. shape], source, source, FromConfig: false);
    }

    /// <summary>"(1, 3, 32, 32)".</summary>
    public string FormattedShape => TensorShapes.Format(Shape);

    /// <summary>Where the shape came from, in words: "32x32 from ..., 3 channels from ...", or the caller's source.</summary>
    public string Describe()
    {
        if (!FromConfig || Shape.Count != 4)
        {
            return SizeSource;
        }

        var channels = Shape[1] == 1 ? "1 channel" : $"{Shape[1]} channels";
        return $"{Shape[2]}x{Shape[3]} from {SizeSource}, {channels} from {ChannelSource}";
    }
}
