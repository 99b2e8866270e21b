using ImageClassifier.Data.Transforms;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>Transforms bound from JSON through the built-in catalog, as a config file's pipeline binds them.</summary>
internal static class TransformJson
{
    private static readonly Lazy<ConfigBinder> Binder = new(() => new ConfigBinder(TinyExperiment.Catalog));

    /// <summary>Binds and builds one transform config, e.g. <c>{"type": "Rotate", "angle": 30}</c>.</summary>
    public static Transform Build(string json) => (Transform)Binder.Value.BindComponentJson(json, typeof(Transform)).BuildComponent();
}
