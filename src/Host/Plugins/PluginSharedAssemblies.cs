using System.Reflection;
using System.Text.Json;
using ImageClassifier.Hosting.Catalog;

namespace ImageClassifier.Hosting.Plugins;

/// <summary>
/// The assemblies a plugin uses from the host instead of its own copy, because the host compares
/// their types with the plugin's: a <c>Neck</c> or a <c>ComponentProviderAttribute</c> from a second
/// copy is another type. Everything these reference is shared with them.
/// </summary>
public static class PluginSharedAssemblies
{
    /// <summary>The contracts every plugin compiles against.</summary>
    public static string Abstractions { get; } = typeof(ComponentDescriptor).Assembly.GetName().Name!;

    /// <summary>The built-in zoo, whose components plugins may derive from.</summary>
    public static string Models => BuiltInComponents.ModelsAssemblyName;

    /// <summary>The built-in datasets and transforms, whose kinds plugins extend.</summary>
    public static string Data => BuiltInComponents.DataAssemblyName;

    /// <summary>The engine, whose kinds (hooks, optimizers, schedulers) plugins extend.</summary>
    public static string Engine { get; } = typeof(ImageClassifier.Engine.Hooks.Hook).Assembly.GetName().Name!;

    /// <summary>TorchSharp: modules and tensors cross between host and plugin, over one native libtorch.</summary>
    public static string TorchSharp { get; } = typeof(TorchSharp.torch).Assembly.GetName().Name!;

    /// <summary>
    /// System.Text.Json, a framework assembly: configs carry its attributes and the host's serializer
    /// options read them, so a plugin that ships its own copy (from a NuGet package) must not use it.
    /// </summary>
    public static string SystemTextJson { get; } = typeof(JsonSerializer).Assembly.GetName().Name!;

    /// <summary>All of the above.</summary>
    public static IReadOnlyList<string> Names { get; } = [Abstractions, Models, Data, Engine, TorchSharp, SystemTextJson];

    /// <summary>The version of a shared assembly as the host has it, loading it into the host when it is not yet.</summary>
    internal static Version HostVersion(string name) =>
        Assembly.Load(new AssemblyName(name)).GetName().Version ?? new Version(0, 0);
}
