namespace ImageClassifier.Hosting.Plugins;

/// <summary>A plugin's dependency closure as its files describe it: what to load beside it, or why it is incomplete.</summary>
/// <param name="PrivateAssemblies">The assemblies of the plugin's folder that its closure needs, to load into its context; empty when <paramref name="Problem"/> is set.</param>
/// <param name="Problem">Why the closure cannot be complete, one paragraph naming the plugin and each assembly; null when it is.</param>
internal sealed record PluginDependencyResolution(IReadOnlyList<PluginDependency> PrivateAssemblies, string? Problem);
