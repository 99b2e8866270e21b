using System.Collections.Concurrent;
using System.Reflection;
using ImageClassifier.Hosting.Plugins;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>The McMaster loader, remembering every assembly the host asked it to load.</summary>
public sealed class RecordingAssemblyLoader : IPluginAssemblyLoader
{
    private readonly McMasterPluginAssemblyLoader _inner = new();
    private readonly ConcurrentQueue<string> _loaded = new();

    public IReadOnlyCollection<string> Loaded => _loaded;

    public IReadOnlyCollection<string>? SharedAssemblyNames { get; private set; }

    public Assembly LoadMainAssembly(string mainAssemblyPath, IReadOnlyCollection<string> sharedAssemblyNames)
    {
        _loaded.Enqueue(mainAssemblyPath);
        SharedAssemblyNames = sharedAssemblyNames;
        return _inner.LoadMainAssembly(mainAssemblyPath, sharedAssemblyNames);
    }
}
