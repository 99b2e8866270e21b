using Binding.TestComponents.Backbones;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Hosting.Tests.Binding;

/// <summary>A catalog of the Binding.TestComponents assembly alone, and binders over it.</summary>
internal static class BindingTestCatalog
{
    public const string Origin = "binding-tests";

    /// <summary>The kind of ToyClassifier, the "model" of the test configs.</summary>
    public const string ModelKind = "network";

    public static ComponentCatalog Create()
    {
        var catalog = new ComponentCatalog();
        catalog.RegisterAssembly(typeof(ToyNet).Assembly, Origin);
        return catalog;
    }

    /// <summary>A binder whose "model" section is a network.</summary>
    public static ConfigBinder Binder() => new(Create(), ModelKind);
}
