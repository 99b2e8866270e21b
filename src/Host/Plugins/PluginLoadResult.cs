using System.Reflection;
using ImageClassifier.Hosting.Catalog;

namespace ImageClassifier.Hosting.Plugins;

/// <summary>One plugin the host found: where, what it is, and whether its components were registered or why not.</summary>
public sealed class PluginLoadResult
{
    /// <summary>The plugin's name: its folder's name, or the bare DLL's name without ".dll". Its components' origin.</summary>
    public required string Name { get; init; }

    /// <summary>Loaded or failed.</summary>
    public required PluginStatus Status { get; init; }

    /// <summary>The main assembly's file; the plugin's folder when no main assembly was found.</summary>
    public required string Path { get; init; }

    /// <summary>A folder of its own, or a bare DLL.</summary>
    public required PluginLayout Layout { get; init; }

    /// <summary>The plugin folder it was found in.</summary>
    public required PluginDirectory Directory { get; init; }

    /// <summary>The main assembly's simple name, once its metadata was read.</summary>
    public string? AssemblyName { get; init; }

    /// <summary>The main assembly's version, once its metadata was read.</summary>
    public Version? Version { get; init; }

    /// <summary>What it registered; empty for a failed plugin, since registration is all or nothing.</summary>
    public IReadOnlyList<ComponentRegistration> Components { get; init; } = [];

    /// <summary>The loaded main assembly; null when the plugin was refused before loading.</summary>
    public Assembly? Assembly { get; init; }

    /// <summary>The step it failed at; null when loaded.</summary>
    public PluginLoadStage? FailedStage { get; init; }

    /// <summary>Why it failed, one paragraph naming the plugin; null when loaded.</summary>
    public string? Reason { get; init; }

    /// <summary>The exception behind the failure, when there was one.</summary>
    public Exception? Exception { get; init; }

    /// <summary>"plugin 'GoodPlugin' loaded: 2 components" or the failure's reason.</summary>
    public override string ToString() => Status == PluginStatus.Loaded
        ? $"plugin '{Name}' loaded: {Components.Count} component{(Components.Count == 1 ? string.Empty : "s")}"
        : Reason ?? $"plugin '{Name}' failed";
}
