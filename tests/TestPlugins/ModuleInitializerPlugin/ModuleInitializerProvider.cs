using System.Runtime.CompilerServices;
using ImageClassifier;
using ModuleInitializerPlugin;

[assembly: ComponentProvider(typeof(ModuleInitializerProvider))]

namespace ModuleInitializerPlugin;

/// <summary>A provider whose assembly's module initializer fails before any of its types can be used.</summary>
public sealed class ModuleInitializerProvider : IComponentProvider
{
    /// <summary>The message the host must pass on.</summary>
    public const string Failure = "the module initializer of ModuleInitializerPlugin found no native runtime";

    /// <inheritdoc />
    public IReadOnlyList<ComponentDescriptor> Components { get; } = [];

    // CA2255 warns that module initializers are for applications; a throwing one is this
    // plugin's whole point, so the warning (an error under warnings-as-errors) is off here.
#pragma warning disable CA2255
    /// <summary>Runs before any type of the assembly is used, and fails.</summary>
    [ModuleInitializer]
    internal static void Initialize() => throw new PlatformNotSupportedException(Failure);
#pragma warning restore CA2255
}
