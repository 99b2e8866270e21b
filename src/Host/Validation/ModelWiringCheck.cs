using System.Runtime.InteropServices;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Preprocessors;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Hosting.Validation;

/// <summary>
/// Checks that a model's parts fit each other: a batch of zeros of the config's input size goes
/// through the preprocessor, the backbone, the neck and the head one at a time (evaluation mode,
/// no gradients, every tensor in one dispose scope), so that a part that cannot take what the part
/// before it gives is named, with both numbers, at the config key that sets its size. libtorch's
/// own message (and its C++ frames) stays in the error's inner exception.
/// </summary>
/// <remarks>
/// A model is split by its submodules <c>backbone</c>, <c>neck</c> and <c>head</c> (mmpretrain's
/// names, which every classifier that loads its checkpoints keeps); a model without a backbone, and
/// any model other than <see cref="ImageClassifierModel"/> after its parts, runs as a whole too.
/// </remarks>
public static class ModelWiringCheck
{
    /// <summary>Builds the run's model, checks it and disposes it.</summary>
    /// <param name="run">The run.</param>
    /// <param name="input">The input to run; null infers it from the config (<see cref="ModelInputInference"/>).</param>
    /// <returns>The input and the output's shape; null when the model is not a module that takes one tensor.</returns>
    /// <exception cref="Exception">From the run's origin (a <see cref="ConfigException"/> for a JSON config): a part refused its config, or a part does not fit the one before it.</exception>
    public static WiringResult? Check(RunDefinition run, ModelInput? input = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        input ??= ModelInputInference.Infer(run);
        var built = run.Origin.Build(ModelParts.ModelPath, run.Model);
        try
        {
            return built is nn.Module model ? Check(run, model, input) : null;
        }
        finally
        {
            (built as IDisposable)?.Dispose();
        }
    }

    /// <summary>Checks <paramref name="model"/>, built from <paramref name="run"/>'s model config; the model keeps its weights and its training mode.</summary>
    /// <param name="run">The run the model was built from, for the parts' configs and the errors' locations.</param>
    /// <param name="model">The model.</param>
    /// <param name="input">The input to run.</param>
    /// <returns>The input and the output's shape; null when the model does not take one tensor.</returns>
    /// <exception cref="Exception">From the run's origin: a part does not fit the one before it, or the model fails on the input.</exception>
    public static WiringResult? Check(RunDefinition run, nn.Module model, ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        if (model is not nn.Module<Tensor, Tensor> whole)
        {
            return null;
        }

        var parts = ModelParts.Find(run, model);

        // Each module's own mode, restored after: a model may hold parts in evaluation mode on purpose (frozen stages).
        var modes = model.modules().Prepend(model).Select(module => (Module: module, Training: module.training)).ToList();
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            var images = zeros([.. input.Shape], device: device);
            var inputs = model is Classifier classifier
                ? Stage(() => classifier.Preprocess(images).Inputs, failure => PreprocessorError(run, parts, images, input, failure))
                : images;
            var output = parts.Backbone is null ? RunWhole(run, whole, inputs, input) : RunParts(run, model, parts, inputs, input);
            if (model is not ImageClassifierModel && parts.Backbone is not null)
            {
                // Its forward may do more than chain the parts.
                output = RunWhole(run, whole, inputs, input);
            }

            return new WiringResult(input, [.. output.shape]);
        }
        finally
        {
            foreach (var (module, training) in modes)
            {
                module.train(training);
            }
        }
    }

    private static Tensor RunParts(RunDefinition run, nn.Module model, ModelParts parts, Tensor inputs, ModelInput input)
    {
        var backbone = parts.Backbone!;
        var features = Stage(() => ((Backbone)backbone.Module).call(inputs), failure => BackboneError(run, backbone, inputs, input, failure));
        if (parts.Neck is { } neck)
        {
            var maps = features;
            features = Stage(() => ((Neck)neck.Module).call(maps), failure => NeckError(run, backbone, neck, maps, failure));
        }

        if (parts.Head is not { } head)
        {
            return features[^1];
        }

        var scores = Stage(() => ((Head)head.Module).call(features), failure => HeadError(run, parts, head, features, failure));
        if (model is Classifier && scores.dim() != 2)
        {
            throw NotFlat(run, parts, head, features, scores, cause: null) ?? run.Origin.Error(head.Path,
                $"{head.Name} gives class scores of shape {TensorShapes.Format(scores.shape)} from the {TensorShapes.Format(features[^1].shape)} features of {parts.HeadInputDisplay}, where a classifier gives (N, num_classes)");
        }

        return scores;
    }

    private static Tensor RunWhole(RunDefinition run, nn.Module<Tensor, Tensor> model, Tensor inputs, ModelInput input) =>
        Stage(() => model.call(inputs), failure => Located(
            run,
            ModelParts.ModelPath,
            $"'{run.Model.TypeName}' fails on a {input.FormattedShape} input ({input.Describe()}): {Summary(failure)}",
            failure));

    private static T Stage<T>(Func<T> run, Func<Exception, Exception> explain)
    {
        try
        {
            return run();
        }
        catch (Exception failure) when (IsShapeFailure(failure))
        {
            throw explain(failure);
        }
    }

    private static Exception PreprocessorError(RunDefinition run, ModelParts parts, Tensor images, ModelInput input, Exception failure)
    {
        if (images.dim() >= 2
            && parts.Preprocessor is { Config: ClsDataPreprocessorConfig { Mean: { Length: > 0 } mean } } preprocessor
            && mean.Length != images.shape[1])
        {
            var channels = images.shape[1];
            var fix = input.FromConfig ? $"; give mean and std {channels} value{Plural(channels)} each" : string.Empty;
            return Located(run, preprocessor.Member("mean"),
                $"{preprocessor.Name} normalises {mean.Length} channel{Plural(mean.Length)} (one per mean value), but the input has {channels} ({input.ChannelSource}){fix}",
                failure);
        }

        var where = parts.Preprocessor?.Path ?? ModelParts.ModelPath;
        var who = parts.Preprocessor?.Name ?? $"'{run.Model.TypeName}'";
        return Located(run, where, $"{who} fails to preprocess a {input.FormattedShape} input ({input.Describe()}): {Summary(failure)}", failure);
    }

    private static Exception BackboneError(RunDefinition run, ModelPart backbone, Tensor inputs, ModelInput input, Exception failure)
    {
        if (ConfigValues.InChannels(backbone.Config) is { } expected && inputs.dim() >= 2 && inputs.shape[1] != expected)
        {
            var channels = inputs.shape[1];
            var fix = input.FromConfig ? $"; set in_channels to {channels}" : string.Empty;
            return Located(run, backbone.Member("in_channels"),
                $"{backbone.Name} expects {expected} input channel{Plural(expected)}, but the input has {channels} ({input.ChannelSource}){fix}",
                failure);
        }

        return Located(run, backbone.Path, $"{backbone.Name} fails on a {input.FormattedShape} input ({input.Describe()}): {Summary(failure)}", failure);
    }

    private static Exception NeckError(RunDefinition run, ModelPart backbone, ModelPart neck, IReadOnlyList<Tensor> maps, Exception failure)
    {
        if (ConfigValues.InChannels(neck.Config) is { } expected && maps.Count > 0 && maps[^1].dim() >= 2 && maps[^1].shape[1] != expected)
        {
            var channels = maps[^1].shape[1];
            return Located(run, neck.Member("in_channels"),
                $"{neck.Name} expects {expected} input channel{Plural(expected)}, but {backbone.Display} gives {channels}; set in_channels to {channels}",
                failure);
        }

        return Located(run, neck.Path, $"{neck.Name} fails on the {Shapes(maps)} features of {backbone.Display}: {Summary(failure)}", failure);
    }

    private static Exception HeadError(RunDefinition run, ModelParts parts, ModelPart head, IReadOnlyList<Tensor> features, Exception failure)
    {
        if (NotFlat(run, parts, head, features, scores: null, failure) is { } missingNeck)
        {
            return missingNeck;
        }

        if (ConfigValues.InChannels(head.Config) is { } expected && features.Count > 0 && features[^1].dim() >= 2 && features[^1].shape[1] != expected)
        {
            var given = features[^1].shape[1];
            return Located(run, head.Member("in_channels"),
                $"{head.Name} expects {expected} input features, but {parts.HeadInputDisplay} gives {given}; set in_channels to {given}",
                failure);
        }

        return Located(run, head.Path, $"{head.Name} fails on the {Shapes(features)} features of {parts.HeadInputDisplay}: {Summary(failure)}", failure);
    }

    /// <summary>A model without a neck whose head got feature maps where it reads flat features; null when that is not the case.</summary>
    private static Exception? NotFlat(RunDefinition run, ModelParts parts, ModelPart head, IReadOnlyList<Tensor> features, Tensor? scores, Exception? cause)
    {
        if (parts.Neck is not null || features.Count == 0 || features[^1].dim() <= 2)
        {
            return null;
        }

        var what = scores is null ? "fails on them" : $"gives scores of shape {TensorShapes.Format(scores.shape)} from them";
        return Located(run, ModelParts.ModelPath + ".neck",
            $"missing: {parts.Backbone!.Display} gives {Shapes(features)} feature maps and there is no neck to pool them, so {head.Display} {what}; add a neck such as {{\"type\": \"GlobalAveragePooling\"}}",
            cause);
    }

    private static Exception Located(RunDefinition run, string path, string detail, Exception? cause) =>
        (cause, run.Origin.Error(path, detail)) switch
        {
            (null, var error) => error,
            (_, ConfigException error) => new ConfigException(error.Location, error.JsonPath, error.Detail, cause),
            (_, RunConfigException error) => new RunConfigException(error.Path, error.Detail, cause),
            (_, var error) => error,
        };

    /// <summary>
    /// What a part throws when its input has the wrong shape: libtorch's error (an
    /// <see cref="ExternalException"/>) or a component's own check.
    /// </summary>
    private static bool IsShapeFailure(Exception failure) =>
        failure is ExternalException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or NotSupportedException;

    /// <summary>The first line of a failure's message: libtorch's end in "Exception raised from ..." and C++ frames.</summary>
    internal static string Summary(Exception failure)
    {
        var message = failure.Message;
        foreach (var marker in new[] { "Exception raised from", "frame #0" })
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut >= 0)
            {
                message = message[..cut];
            }
        }

        var firstLine = message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(firstLine) ? failure.GetType().Name : firstLine.TrimEnd('.');
    }

    private static string Shapes(IReadOnlyList<Tensor> tensors) => string.Join(" and ", tensors.Select(tensor => TensorShapes.Format(tensor.shape)));

    private static string Plural(long count) => count == 1 ? string.Empty : "s";
}
