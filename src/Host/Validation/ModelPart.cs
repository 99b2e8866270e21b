using TorchSharp;

namespace ImageClassifier.Hosting.Validation;

/// <summary>One part of a model as its config names it: the backbone at <c>$.model.backbone</c>, its module and its config.</summary>
/// <param name="Path">The part's JSON path, such as <c>$.model.backbone</c>.</param>
/// <param name="Name">The part's registered name ("ResNet"); the module's name when no config is known.</param>
/// <param name="Module">The built part.</param>
/// <param name="Config">The part's config, or null (a default the model made itself).</param>
internal sealed record ModelPart(string Path, string Name, torch.nn.Module Module, ComponentConfig? Config)
{
    /// <summary>"ResNet (model.backbone)": the part as messages name it.</summary>
    public string Display => $"{Name} ({Path.TrimStart('$', '.')})";

    /// <summary>The path of one of the part's members, such as <c>$.model.head.in_channels</c>.</summary>
    public string Member(string jsonName) => $"{Path}.{jsonName}";
}
