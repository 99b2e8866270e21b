using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Plugins;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Runtime;

namespace ImageClassifier.Hosting;

/// <summary>
/// A running ImageClassifier host for applications: the built-in components plus every plugin,
/// listed, described and built through one catalog. Plugin components are registered under the
/// plugin's name as origin and are otherwise used exactly like built-ins.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Create"/> loads every plugin before it returns, so the catalog is complete from then
/// on; anything derived from it (the JSON options that bind typed configs by their "type") is built
/// afterwards. Plugins are never unloaded: their assemblies stay for the life of the process.
/// </para>
/// <para>
/// Runs (load a config, train, test, classify) are in <c>ImageClassifierHost.Runs.cs</c>: a JSON
/// config binds through <see cref="Catalog"/> to the engine's <see cref="RunDefinition"/>, which a
/// host app may also write in C#.
/// </para>
/// </remarks>
public sealed partial class ImageClassifierHost
{
    private ImageClassifierHost(ComponentCatalog catalog, PluginLoadReport plugins)
    {
        Catalog = catalog;
        Plugins = plugins;
    }

    /// <summary>Every registered component, built-in or from a plugin.</summary>
    public ComponentCatalog Catalog { get; }

    /// <summary>The plugin folders searched and what became of each plugin found.</summary>
    public PluginLoadReport Plugins { get; }

    /// <summary>Creates the catalog and loads the plugins. A plugin that fails is reported in <see cref="Plugins"/>, never thrown.</summary>
    /// <param name="options">Where plugins are and what to start from; null takes the defaults.</param>
    /// <exception cref="CatalogException">The starting catalog (the built-in zoo) cannot be created.</exception>
    public static ImageClassifierHost Create(HostOptions? options = null)
    {
        options ??= new HostOptions();
        if (options.Runtime is { } runtime)
        {
            TorchRuntime.EnsureInitialized(runtime);
        }

        var catalog = options.CatalogFactory() ?? throw new InvalidOperationException("HostOptions.CatalogFactory returned no catalog.");
        var directories = PluginDiscovery.ResolveDirectories(options);
        var manager = new PluginManager(catalog, options.AssemblyLoader ?? new McMasterPluginAssemblyLoader());
        return new ImageClassifierHost(catalog, manager.LoadAll(directories));
    }

    /// <summary>
    /// The components whose name or an alias matches <paramref name="pattern"/> (<c>*</c> and <c>?</c>,
    /// case ignored), sorted by kind, then name.
    /// </summary>
    /// <exception cref="UnknownComponentKindException">The kind is not known.</exception>
    public IReadOnlyList<ComponentRegistration> ListComponents(string? pattern = null, string? kind = null) => Catalog.List(pattern, kind);

    /// <summary>Everything known of one component, its origin included.</summary>
    /// <exception cref="ComponentNotFoundException">Nothing is registered under the name.</exception>
    /// <exception cref="AmbiguousComponentException">No kind was given and several kinds hold the name.</exception>
    public ComponentDescription Describe(string name, string? kind = null) => Catalog.Describe(name, kind);

    /// <summary>A new config of a registered component, holding its defaults; set the members without one before building.</summary>
    /// <exception cref="ComponentNotFoundException">Nothing is registered under the name.</exception>
    public ComponentConfig CreateConfig(string name, string? kind = null)
    {
        var registration = Catalog.Find(name, kind);
        var configType = registration.Descriptor.ConfigType;
        try
        {
            return Activator.CreateInstance(configType) as ComponentConfig
                ?? throw new InvalidOperationException($"{Display(configType)} of {registration} is not a ComponentConfig.");
        }
        catch (MissingMethodException exception)
        {
            throw new InvalidOperationException(
                $"The config of {registration} ({Display(configType)}) has no public parameterless constructor, so the host cannot create it.", exception);
        }
        catch (System.Reflection.TargetInvocationException exception) when (exception.InnerException is { } inner)
        {
            throw new InvalidOperationException($"Creating the config of {registration} failed: {inner.Message}", inner);
        }
    }

    /// <summary>
    /// Builds the component <paramref name="config"/> describes. The config must be of a registered
    /// component's config type (one this host created, bound or compiled against), so a config from
    /// an unloaded or foreign copy of a plugin is refused rather than silently built.
    /// </summary>
    /// <returns>The component: a TorchSharp module for the built-in kinds.</returns>
    /// <exception cref="ComponentNotFoundException">No component is registered under the config's type name.</exception>
    /// <exception cref="ArgumentException">The name is registered, but with another config type.</exception>
    /// <exception cref="ConfigValueException">A value breaks the component's rules.</exception>
    public object Build(ComponentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        RegistrationOf(config);
        return config.BuildComponent();
    }

    /// <summary>Builds the component and returns it as <typeparamref name="TComponent"/> (<see cref="Backbone"/>, <see cref="Loss"/>, ...).</summary>
    /// <exception cref="InvalidCastException">The component is not a <typeparamref name="TComponent"/>; it is disposed.</exception>
    public TComponent BuildModel<TComponent>(ComponentConfig config)
        where TComponent : class
    {
        var component = Build(config);
        if (component is TComponent typed)
        {
            return typed;
        }

        (component as IDisposable)?.Dispose();
        throw new InvalidCastException(
            $"'{config.TypeName}' builds a {Display(component.GetType())}, which is not a {Display(typeof(TComponent))}.");
    }

    /// <summary>Builds a registered component with its default config.</summary>
    /// <exception cref="ComponentNotFoundException">Nothing is registered under the name.</exception>
    public TComponent BuildModel<TComponent>(string name, string? kind = null)
        where TComponent : class => BuildModel<TComponent>(CreateConfig(name, kind));

    private ComponentRegistration RegistrationOf(ComponentConfig config)
    {
        var configType = config.GetType();

        // By the config's own type first: a plugin's component registered under its qualified
        // name (a built-in holds the name its config class carries) is found only so.
        var registered = Catalog.List().FirstOrDefault(candidate => candidate.Descriptor.ConfigType == configType);
        if (registered is not null)
        {
            return registered;
        }

        ComponentRegistration? sameName = null;
        foreach (var kind in Catalog.Kinds)
        {
            if (Catalog.TryFind(config.TypeName, kind.Name, out var registration))
            {
                if (registration.Descriptor.ConfigType == configType)
                {
                    return registration;
                }

                sameName ??= registration;
            }
        }

        if (sameName is null)
        {
            // Throws the catalog's own not-found error, with its suggestions.
            return Catalog.Find(config.TypeName);
        }

        throw new ArgumentException(
            $"The config {Display(configType)} (from {configType.Assembly.GetName().Name}) builds '{config.TypeName}', but this host's " +
            $"'{config.TypeName}' is {sameName}, configured by {Display(sameName.Descriptor.ConfigType)}. " +
            "Create the config through this host (CreateConfig) or from the registered config type.",
            nameof(config));
    }

    private static string Display(Type type) => TypeNames.Format(type);
}
