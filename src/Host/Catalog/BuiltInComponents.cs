using System.Reflection;

namespace ImageClassifier.Hosting.Catalog;

/// <summary>The host's own kinds and components: the four kinds of ImageClassifier.Abstractions, the ImageClassifier.Models zoo, the ImageClassifier.Data datasets and transforms, and the engine's optimizers and schedulers.</summary>
public static class BuiltInComponents
{
    /// <summary>The origin of every built-in registration.</summary>
    public const string Origin = "built-in";

    /// <summary>The assembly of the built-in model zoo.</summary>
    public const string ModelsAssemblyName = "ImageClassifier.Models";

    /// <summary>The assembly of the built-in datasets, transforms and samplers.</summary>
    public const string DataAssemblyName = "ImageClassifier.Data";

    /// <summary>The kind bases that every host knows, whether or not a component of them is registered.</summary>
    public static IReadOnlyList<Type> KindBases { get; } = [typeof(Backbone), typeof(Neck), typeof(Head), typeof(Loss)];

    /// <summary>A catalog holding the built-in kinds and the model zoo's components.</summary>
    /// <exception cref="FileNotFoundException">The model zoo assembly is missing from the application.</exception>
    /// <exception cref="CatalogException">The model zoo's registrations are unusable.</exception>
    public static ComponentCatalog CreateCatalog()
    {
        var catalog = new ComponentCatalog();
        foreach (var kindBase in KindBases)
        {
            catalog.DeclareKind(kindBase);
        }

        // Loaded by name, not through a type of it: the zoo's types are all generated or may not exist yet.
        catalog.RegisterAssembly(Assembly.Load(ModelsAssemblyName), Origin);
        catalog.RegisterAssembly(Assembly.Load(DataAssemblyName), Origin);

        // The engine's components: optimizers and parameter schedulers.
        catalog.RegisterAssembly(typeof(Engine.Runner).Assembly, Origin);
        return catalog;
    }
}
