using ImageClassifier.Engine.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using TorchSharp;

namespace ImageClassifier.Hosting.Validation;

/// <summary>
/// The parts of a model built the mmpretrain way: submodules named <c>backbone</c>, <c>neck</c>,
/// <c>head</c> and <c>data_preprocessor</c>, each configured by the model config's member of the
/// same name. The submodule names are the checkpoint keys, so any classifier that loads mmpretrain
/// weights has them; a model without a backbone is checked as a whole.
/// </summary>
internal sealed class ModelParts
{
    public const string ModelPath = "$.model";

    private ModelParts(ModelPart? preprocessor, ModelPart? backbone, ModelPart? neck, ModelPart? head)
    {
        Preprocessor = preprocessor;
        Backbone = backbone;
        Neck = neck;
        Head = head;
    }

    public ModelPart? Preprocessor { get; }

    public ModelPart? Backbone { get; }

    public ModelPart? Neck { get; }

    public ModelPart? Head { get; }

    /// <summary>"ResNet (model.backbone) with GlobalAveragePooling (model.neck)": what feeds the head.</summary>
    public string HeadInputDisplay => Neck is null ? Backbone!.Display : $"{Backbone!.Display} with {Neck.Display}";

    public static ModelParts Find(RunDefinition run, torch.nn.Module model)
    {
        var children = model.named_children().ToDictionary(child => child.Item1, child => child.Item2, StringComparer.Ordinal);
        ModelPart? Part<TKind>(string key, string property, string path)
            where TKind : torch.nn.Module
        {
            if (!children.TryGetValue(key, out var module) || module is not TKind)
            {
                return null;
            }

            var config = ConfigValues.Child(run.Model, property);
            return new ModelPart(path, config?.TypeName ?? module.GetName(), module, config);
        }

        return new ModelParts(
            Part<torch.nn.Module>("data_preprocessor", "DataPreprocessor", PreprocessorPath(run)),
            Part<Backbone>("backbone", "Backbone", ModelPath + ".backbone"),
            Part<Neck>("neck", "Neck", ModelPath + ".neck"),
            Part<Head>("head", "Head", ModelPath + ".head"));
    }

    /// <summary>
    /// Where the preprocessor is configured: <c>$.model.data_preprocessor</c>, or the top-level
    /// <c>$.data_preprocessor</c> that mmengine (and the reader) merge into a model without one.
    /// </summary>
    public static string PreprocessorPath(RunDefinition run)
    {
        const string Inside = ModelPath + ".data_preprocessor";
        return run.Origin is JsonRunOrigin json
            && !json.Document.TryGetNode(Inside, out _)
            && json.Document.TryGetNode("$.data_preprocessor", out _)
                ? "$.data_preprocessor"
                : Inside;
    }
}
