namespace ImageClassifier.Generators.Model;

/// <summary>The assembly's component provider.</summary>
internal sealed record ProviderModel
{
    /// <summary>The provider class, without namespace ("ImageClassifier_ModelsComponentProvider").</summary>
    public required string ClassName { get; init; }

    /// <summary>Every component's config class, fully qualified, in ordinal order.</summary>
    public required EquatableArray<string> ConfigTypeNames { get; init; }
}
