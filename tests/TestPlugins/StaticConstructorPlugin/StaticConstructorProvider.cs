using ImageClassifier;
using StaticConstructorPlugin;

[assembly: ComponentProvider(typeof(StaticConstructorProvider))]

namespace StaticConstructorPlugin;

/// <summary>A provider whose static set-up fails, as one reading a missing settings file would.</summary>
public sealed class StaticConstructorProvider : IComponentProvider
{
    /// <summary>The message the host must pass on.</summary>
    public const string Failure = "the static settings of StaticConstructorProvider are missing";

    private static readonly string[] Settings = Load();

    /// <inheritdoc />
    public IReadOnlyList<ComponentDescriptor> Components { get; } = Settings.Length == 0 ? [] : [];

    private static string[] Load() => throw new InvalidOperationException(Failure);
}
