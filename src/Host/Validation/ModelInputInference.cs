using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Preprocessors;

namespace ImageClassifier.Hosting.Validation;

/// <summary>
/// The input a run's model will see, read from its config without reading data: the image size
/// the last crop or resize of a pipeline makes (the test pipeline first, as inference uses it;
/// then validation, then training), else the size of the dataset's own images where the dataset
/// fixes it, else 224x224; the channels of the dataset's images, else one per value of the
/// preprocessor's mean, else the backbone's in_channels, else 3. The batch is one image: the
/// check runs in evaluation mode, where batch norms need no second sample.
/// </summary>
public static class ModelInputInference
{
    /// <summary>The side an input gets when nothing in the config gives one: mmpretrain's ImageNet size.</summary>
    public const int DefaultSize = 224;

    private static readonly RunStage[] StagesInInferenceOrder = [RunStage.Test, RunStage.Val, RunStage.Train];

    /// <summary>The dummy input for <paramref name="run"/>'s model, with where its size and channels came from.</summary>
    /// <exception cref="Exception">From the run's origin: a resize transform refused its config.</exception>
    public static ModelInput Infer(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);
        (int Height, int Width, string Source)? size = null;
        (int Count, string Source)? channels = null;
        foreach (var stage in StagesInInferenceOrder)
        {
            if (run.DataLoaderOf(stage)?.Dataset is not { } dataset)
            {
                continue;
            }

            var key = RunDefinition.DataLoaderKey(stage);
            var native = NativeImages(dataset);
            if (channels is null && native is { } images)
            {
                channels = (images.Channels, $"the images of {dataset.TypeName} ({key}.dataset)");
            }

            size ??= SizeAfterPipeline(run, key, dataset, native);
        }

        channels ??= PreprocessorChannels(run) ?? BackboneChannels(run) ?? (3, "the default 3");
        var (height, width, sizeSource) = size ?? (DefaultSize, DefaultSize, $"the default {DefaultSize}x{DefaultSize}, as no pipeline or dataset of the config fixes a size");
        return new ModelInput([1, channels.Value.Count, height, width], sizeSource, channels.Value.Source, FromConfig: true);
    }

    /// <summary>The images of datasets whose files fix their size and channels; null for the others (a folder of image files).</summary>
    private static (int Height, int Width, int Channels)? NativeImages(ComponentConfig<Dataset> dataset) => dataset switch
    {
        FashionMnistConfig or MnistConfig => (28, 28, 1),
        Cifar10Config or Cifar100Config => (32, 32, 3),
        _ => null,
    };

    /// <summary>The size the pipeline's crops and resizes leave, starting from the dataset's own size when it has one.</summary>
    private static (int Height, int Width, string Source)? SizeAfterPipeline(RunDefinition run, string key, ComponentConfig<Dataset> dataset, (int Height, int Width, int Channels)? native)
    {
        (int Height, int Width, string Source)? size = native is { } images
            ? (images.Height, images.Width, $"the {images.Height}x{images.Width} images of {dataset.TypeName} ({key}.dataset)")
            : null;
        var pipeline = RunDefinition.PipelineOf(dataset);
        for (var index = 0; index < pipeline.Count; index++)
        {
            var step = pipeline[index];
            var at = $"{key}.dataset.pipeline[{index}]";
            switch (step)
            {
                case CenterCropConfig crop:
                    size = (crop.CropSize, crop.CropSize, $"{at}.crop_size (CenterCrop)");
                    break;
                case RandomCropConfig crop:
                    size = (crop.CropSize, crop.CropSize, $"{at}.crop_size (RandomCrop)");
                    break;
                case RandomResizedCropConfig crop:
                    size = (crop.Scale, crop.Scale, $"{at}.scale (RandomResizedCrop)");
                    break;
                case EfficientNetCenterCropConfig crop:
                    size = (crop.CropSize, crop.CropSize, $"{at}.crop_size (EfficientNetCenterCrop)");
                    break;
                case EfficientNetRandomCropConfig crop:
                    size = (crop.Scale, crop.Scale, $"{at}.scale (EfficientNetRandomCrop)");
                    break;
                case ResizeConfig { Scale: { Length: > 0 } scale }:
                    // mmpretrain's scale is (width, height); one number is a square.
                    size = (scale.Length > 1 ? scale[1] : scale[0], scale[0], $"{at}.scale (Resize)");
                    break;
                case ResizeEdgeConfig edge when size is null:
                    // Without the image's own size only the resized edge is known; the check takes a square.
                    size = (edge.Scale, edge.Scale, $"{at}.scale (ResizeEdge, taken as square)");
                    break;
                default:
                    if (size is { } known && run.Origin.Build("$." + at, step) is ResizeTransform resize)
                    {
                        var (height, width) = resize.TargetSize(known.Height, known.Width);
                        size = (height, width, $"{at} ({step.TypeName}) applied to {known.Source}");
                    }

                    break;
            }
        }

        return size;
    }

    private static (int Count, string Source)? PreprocessorChannels(RunDefinition run) =>
        run.Model is ImageClassifierModelConfig { DataPreprocessor: ClsDataPreprocessorConfig { Mean: { Length: > 0 } mean } }
            ? (mean.Length, $"{ModelParts.PreprocessorPath(run).TrimStart('$', '.')}.mean, which has {mean.Length} value{(mean.Length == 1 ? string.Empty : "s")}")
            : null;

    private static (int Count, string Source)? BackboneChannels(RunDefinition run) =>
        ConfigValues.InChannels(ConfigValues.Child(run.Model, "Backbone")) is { } inChannels
            ? (inChannels, "model.backbone.in_channels")
            : null;
}
