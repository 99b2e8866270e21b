using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ImageClassifier.Hosting.Catalog;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// Binds merged configs (<see cref="ConfigDocument"/>) to the typed, generated config classes of
/// the components a catalog holds: "type" picks the class, every other member must be one of its
/// members, and every failure is a <see cref="ConfigException"/> at the file, line and column that
/// set the value, with its JSON path and what was expected.
/// </summary>
/// <remarks>
/// <para>
/// Create the binder after every plugin is loaded: it takes the catalog's registrations once, and
/// its <see cref="SerializerOptions"/> know exactly those (a component registered later is not
/// seen). The options are System.Text.Json's, with a resolver modifier that gives each kind's
/// <c>ComponentConfig&lt;TKind&gt;</c>, and each config class that variants derive from, one derived
/// type per registration with "type" as the discriminator; they refuse unknown members,
/// unrecognised discriminators, numbers in strings and nulls where the C# type has none.
/// </para>
/// <para>A binder is safe to use from several threads.</para>
/// </remarks>
public sealed class ConfigBinder
{
    /// <summary>The member that names a component.</summary>
    public const string TypeKey = "type";

    /// <summary>The kind the "model" section binds to unless told otherwise.</summary>
    public const string DefaultModelKind = "classifier";

    private static readonly JsonSerializerOptions CompactWriting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ComponentTypeMap map;
    private readonly ValueDescriber describer;

    /// <summary>Creates a binder for the components <paramref name="catalog"/> holds now.</summary>
    /// <param name="catalog">The catalog, with every plugin already registered.</param>
    /// <param name="modelKind">
    /// The kind the "model" section is a component of. When the catalog does not know that kind,
    /// the section's "type" is looked up in every kind.
    /// </param>
    public ConfigBinder(ComponentCatalog catalog, string modelKind = DefaultModelKind)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelKind);
        map = new ComponentTypeMap(catalog);
        ModelKind = modelKind;
        SerializerOptions = CreateOptions(map);
        describer = new ValueDescriber(map, SerializerOptions);
    }

    /// <summary>The kind the "model" section binds to.</summary>
    public string ModelKind { get; }

    /// <summary>The serializer options that read and write component configs; read-only.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>The registrations the binder knows, sorted by kind, then name.</summary>
    public IReadOnlyList<ComponentRegistration> Components => map.Registrations;

    /// <summary>The components a config can name: those whose config class binds from JSON (the schema lists these).</summary>
    public IEnumerable<ComponentRegistration> BindableComponents => Components.Where(ComponentTypeMap.IsBindable);

    /// <summary>The known kinds by name.</summary>
    public IReadOnlyDictionary<string, Type> Kinds => map.Kinds;

    /// <summary>
    /// Binds a whole run config: the "model" section to a typed component config, every other known
    /// top-level section kept as located JSON after a check of its JSON kind.
    /// </summary>
    /// <exception cref="ConfigException">An unknown top-level key, a section of the wrong kind, or anything wrong in "model".</exception>
    public RunConfig Bind(ConfigDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sections = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        foreach (var member in document.Root.Members)
        {
            var path = ConfigJsonPath.Root.Member(member.Name);
            if (!RunConfigSection.TryGet(member.Name, out var section))
            {
                var suggestions = BindingErrors.Closest(member.Name, RunConfigSection.All.Select(known => known.Key));
                var hint = suggestions.Count > 0
                    ? BindingErrors.DidYouMean(suggestions)
                    : $"; the known keys are {string.Join(", ", RunConfigSection.All.Select(known => known.Key))}";
                throw BindingErrors.At(document, member.NameLocation, path, $"unknown top-level key '{member.Name}'{hint}");
            }

            if (member.Name == RunConfigSection.ModelKey)
            {
                // Bound below, where an error can say which kind of config it must be.
                continue;
            }

            if (!section.Accepts(member.Value.Kind))
            {
                throw BindingErrors.AtValue(document, path, $"expected {section.Expected}, but found {ValueDescriber.Found(member.Value)}");
            }

            sections.Add(member.Name, member.Value);
        }

        var model = document.Root.TryGetMember(RunConfigSection.ModelKey, out _) ? BindModel(document) : null;
        return new RunConfig(model, sections, document);
    }

    /// <summary>Binds the "model" section to a config of <see cref="ModelKind"/> (or of any kind, when the catalog does not know that one).</summary>
    /// <exception cref="ConfigException">The config has no "model" section, or it does not bind.</exception>
    public ComponentConfig BindModel(ConfigDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var position = map.Kinds.TryGetValue(ModelKind, out var kindType)
            ? new ComponentPosition(ModelKind, ComponentTypeMap.ConfigBaseOf(kindType), Default: null)
            : null;
        return BindComponent(document, ConfigJsonPath.Root.Member(RunConfigSection.ModelKey), position);
    }

    /// <summary>Binds the component config at <paramref name="jsonPath"/> (e.g. <c>$.model.backbone</c>) as a component of kind <paramref name="kindType"/>.</summary>
    /// <param name="document">The merged config.</param>
    /// <param name="jsonPath">Where the component's object is.</param>
    /// <param name="kindType">The kind base (<c>typeof(Backbone)</c>); null to accept a component of any kind, found by its "type".</param>
    /// <exception cref="ConfigException">Nothing is at the path, or the object does not bind.</exception>
    /// <exception cref="ArgumentException">The path cannot be read, or <paramref name="kindType"/> is no kind base.</exception>
    public ComponentConfig BindComponent(ConfigDocument document, string jsonPath, Type? kindType)
    {
        ArgumentNullException.ThrowIfNull(document);
        ComponentPosition? position = null;
        if (kindType is not null)
        {
            var kind = map.KindNameOf(kindType)
                ?? throw new ArgumentException($"{TypeNames.Format(kindType)} is not a component kind base: it carries no [ComponentKind].", nameof(kindType));
            position = new ComponentPosition(kind, ComponentTypeMap.ConfigBaseOf(kindType), map.KindDefault(kindType));
        }

        return BindComponent(document, JsonPaths.Parse(jsonPath), position);
    }

    /// <summary>Binds the component config at <paramref name="jsonPath"/> as a component of kind <typeparamref name="TKind"/>.</summary>
    /// <exception cref="ConfigException">Nothing is at the path, or the object does not bind.</exception>
    public ComponentConfig<TKind> BindComponent<TKind>(ConfigDocument document, string jsonPath)
        where TKind : class =>
        (ComponentConfig<TKind>)BindComponent(document, jsonPath, typeof(TKind));

    /// <summary>
    /// Binds the component configs at <paramref name="jsonPath"/>: a list of them, or a single one
    /// (as mmengine's <c>param_scheduler</c> and <c>val_evaluator</c> may be either).
    /// </summary>
    /// <param name="document">The merged config.</param>
    /// <param name="jsonPath">Where the list or the single object is.</param>
    /// <param name="kindType">The kind base of every item.</param>
    /// <exception cref="ConfigException">Nothing is at the path, it is neither a list nor an object, or an item does not bind.</exception>
    /// <exception cref="ArgumentException">The path cannot be read, or <paramref name="kindType"/> is no kind base.</exception>
    public IReadOnlyList<ComponentConfig> BindComponentList(ConfigDocument document, string jsonPath, Type kindType)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(kindType);
        var path = JsonPaths.Parse(jsonPath);
        if (document.TryGetNode(path.ToString(), out var node) && node is ConfigArray list)
        {
            return list.Items.Select((_, index) => BindComponent(document, path.Item(index).ToString(), kindType)).ToArray();
        }

        if (node is not null and not ConfigObject)
        {
            var kind = map.KindNameOf(kindType) ?? kindType.Name;
            throw BindingErrors.AtValue(document, path, $"expected {CatalogText.WithArticle(kind)} config or a list of them, but found {ValueDescriber.Found(node)}");
        }

        return [BindComponent(document, jsonPath, kindType)];
    }

    /// <summary>Binds a list of component configs of kind <typeparamref name="TKind"/>, or a single one, at <paramref name="jsonPath"/>.</summary>
    /// <exception cref="ConfigException">Nothing is at the path, it is neither a list nor an object, or an item does not bind.</exception>
    public IReadOnlyList<ComponentConfig<TKind>> BindComponentList<TKind>(ConfigDocument document, string jsonPath)
        where TKind : class =>
        BindComponentList(document, jsonPath, typeof(TKind)).Cast<ComponentConfig<TKind>>().ToArray();

    /// <summary>
    /// Binds a component config written as JSON text (comments and trailing commas allowed), with
    /// errors located in <paramref name="sourceName"/>.
    /// </summary>
    /// <exception cref="ConfigException">The text is not valid JSON, or does not bind.</exception>
    public ComponentConfig BindComponentJson(string json, Type? kindType, string sourceName = "<json>")
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        var node = ConfigJsonReader.Parse(json, sourceName);
        if (node is not ConfigObject root)
        {
            throw new ConfigException(node.Location, "$", $"expected a component config (an object with \"type\"), but found {ValueDescriber.Found(node)}");
        }

        var document = new ConfigDocument(root, sourceName, [sourceName], ImmutableDictionary<string, string>.Empty, ConfigReaderLimits.Default);
        return BindComponent(document, "$", kindType);
    }

    /// <summary>
    /// Builds the component of a bound config. A refusal by a component's constructor (an
    /// <see cref="ArgumentException"/>, a <see cref="ConfigValueException"/>) becomes a
    /// <see cref="ConfigException"/> at that component's JSON object, or at the member it names.
    /// </summary>
    /// <param name="document">The document <paramref name="config"/> was bound from.</param>
    /// <param name="jsonPath">Where <paramref name="config"/> was bound from.</param>
    /// <param name="config">The bound config.</param>
    /// <returns>The component; the caller owns (and disposes) it.</returns>
    /// <exception cref="ConfigException">
    /// A component refused its config, the estimated parameters pass <see cref="ModelMemoryLimitBytes"/>
    /// (checked before anything is built), or libtorch could not allocate them.
    /// </exception>
    public object BuildComponent(ConfigDocument document, string jsonPath, ComponentConfig config)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(config);
        var path = JsonPaths.Parse(jsonPath);
        ModelSizeGuard.Check(document, path, config, SerializerOptions, ModelMemoryLimitBytes);
        try
        {
            return config.BuildComponent();
        }
        catch (ArgumentException refusal)
        {
            throw ComponentBuildErrors.Locate(map, SerializerOptions, document, path, config, refusal);
        }
        catch (Exception failure) when (ComponentBuildErrors.IsAllocationFailure(failure))
        {
            throw BindingErrors.AtValue(document, path, ComponentBuildErrors.DescribeAllocationFailure(failure), failure);
        }
    }

    /// <summary>
    /// The most memory, in bytes, that a built model's parameters (as float32) may take; a larger
    /// estimate is a config error before building. <see cref="ModelMemoryLimit.FromEnvironment"/>
    /// by default: <c>ICLS_MAX_MODEL_MEMORY</c>, else a quarter of the machine's memory.
    /// </summary>
    public long ModelMemoryLimitBytes { get; init; } = ModelMemoryLimit.FromEnvironment();

    /// <summary>Builds a component of kind <typeparamref name="TKind"/>, as <see cref="BuildComponent(ConfigDocument, string, ComponentConfig)"/> does.</summary>
    /// <exception cref="ConfigException">A component refused its config.</exception>
    public TKind BuildComponent<TKind>(ConfigDocument document, string jsonPath, ComponentConfig<TKind> config)
        where TKind : class =>
        (TKind)BuildComponent(document, jsonPath, (ComponentConfig)config);

    /// <summary>A config as JSON, "type" first, members in declaration order (inherited ones first); it binds back to an equal config.</summary>
    /// <exception cref="ArgumentException">The config's class is not registered with the binder's catalog.</exception>
    public string Serialize(ComponentConfig config, bool indented = true)
    {
        return indented
            ? JsonSerializer.Serialize(config, DeclaredTypeOf(config), SerializerOptions)
            : ToJsonNode(config).ToJsonString(CompactWriting);
    }

    /// <summary>A config as a JSON object, "type" first.</summary>
    /// <exception cref="ArgumentException">The config's class is not registered with the binder's catalog.</exception>
    public JsonObject ToJsonNode(ComponentConfig config) =>
        JsonSerializer.SerializeToNode(config, DeclaredTypeOf(config), SerializerOptions)!.AsObject();

    /// <summary>A run config as a JSON object: "model" first, then the sections in <see cref="RunConfigSection.All"/> order.</summary>
    /// <exception cref="ArgumentException">The model's config class is not registered with the binder's catalog.</exception>
    public JsonObject ToJsonNode(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var result = new JsonObject();
        if (config.Model is { } model)
        {
            result[RunConfigSection.ModelKey] = ToJsonNode(model);
        }

        foreach (var section in RunConfigSection.All)
        {
            if (config.Section(section.Key) is { } value)
            {
                result[section.Key] = ConfigNodeJson.ToJsonNode(value);
            }
        }

        return result;
    }

    /// <summary>
    /// A JSON Schema (draft 2020-12) of the configs this binder accepts: per kind a <c>oneOf</c> over
    /// its components, each with its members, types, defaults, docs and constraints; and the run
    /// config's top level. Editors use it to complete and check config files.
    /// </summary>
    public JsonObject CreateSchema() => new ConfigSchemaWriter(map, SerializerOptions, describer, ModelKind).Write();

    private ComponentConfig BindComponent(ConfigDocument document, ConfigJsonPath path, ComponentPosition? position)
    {
        if (!document.TryGetNode(path.ToString(), out var node))
        {
            var what = position?.Kind is { } kind ? CatalogText.WithArticle(kind) + " config" : "a component config";
            throw BindingErrors.AtValue(document, path, $"missing: expected {what} here");
        }

        position ??= new ComponentPosition(Kind: null, typeof(ComponentConfig), Default: null);
        var checker = new ConfigShapeChecker(map, SerializerOptions, describer, document);
        var (json, registration) = checker.CheckComponent(node, path, position);

        // The serializer reads through the kind's base, where "type" is a discriminator.
        var declared = position.Kind is null ? ComponentTypeMap.ConfigBaseOf(registration.Descriptor.KindType) : position.DeclaredType;
        try
        {
            return (ComponentConfig)JsonSerializer.Deserialize(json, declared, SerializerOptions)!;
        }
        catch (JsonException exception)
        {
            throw Translate(document, path, exception);
        }
        catch (NotSupportedException exception)
        {
            throw BindingErrors.AtValue(document, path, WithoutSerializerPosition(exception.Message), exception);
        }
    }

    /// <summary>A serializer error, its path relative to the bound section, as an error at the value in the document.</summary>
    private static ConfigException Translate(ConfigDocument document, ConfigJsonPath sectionPath, JsonException exception)
    {
        JsonPaths.TryAppend(sectionPath, exception.Path, out var at);
        if (exception is ConfigValueJsonException refused)
        {
            // The serializer reports the member being set; a constraint on an array names the item.
            // A single value the checker turned into a list of one has no item in the document.
            if (refused.Refusal is ConfigValueException value
                && value.Member.StartsWith(refused.MemberName, StringComparison.Ordinal)
                && JsonPaths.TryAppend(JsonPaths.Parent(at), value.Member, out var item)
                && document.TryGetNode(item.ToString(), out _))
            {
                at = item;
            }

            return BindingErrors.AtValue(document, at, refused.Message, refused.Refusal);
        }

        return BindingErrors.AtValue(document, at, WithoutSerializerPosition(exception.Message), exception);
    }

    // "... Path: $.depth | LineNumber: 0 | BytePositionInLine: 28." names a place in the JSON the
    // serializer read, not in the config file; the exception's location replaces it.
    private static string WithoutSerializerPosition(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd('.', ' ');
    }

    private Type DeclaredTypeOf(ComponentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!map.TryGetByConfigType(config.GetType(), out var registration))
        {
            throw new ArgumentException($"{TypeNames.Format(config.GetType())} is not the config class of a component this binder knows.", nameof(config));
        }

        return ComponentTypeMap.ConfigBaseOf(registration.Descriptor.KindType);
    }

    private static JsonSerializerOptions CreateOptions(ComponentTypeMap map)
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info => DescribeComponents(map, info));
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            AllowOutOfOrderMetadataProperties = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            PropertyNameCaseInsensitive = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 256,
            WriteIndented = true,
            IndentSize = 2,
            // Configs are files people read: keep "é" and "<" as they are; the text never goes into HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The resolver modifier: polymorphism from the catalog, member order from the descriptors, setters that report their member.</summary>
    private static void DescribeComponents(ComponentTypeMap map, JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        if (map.PolymorphicTypes.TryGetValue(info.Type, out var registrations))
        {
            var polymorphism = new JsonPolymorphismOptions
            {
                TypeDiscriminatorPropertyName = TypeKey,
                IgnoreUnrecognizedTypeDiscriminators = false,
                UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
            };

            // One discriminator per class: the serializer allows no second name for a type, so
            // aliases are turned into names before it reads (ConfigShapeChecker).
            foreach (var registration in registrations)
            {
                polymorphism.DerivedTypes.Add(new JsonDerivedType(registration.Descriptor.ConfigType, registration.Name));
            }

            info.PolymorphismOptions = polymorphism;
        }

        if (map.TryGetByConfigType(info.Type, out var own))
        {
            var order = own.Descriptor.Parameters.Select((parameter, index) => (parameter.JsonName, index))
                .GroupBy(entry => entry.JsonName, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.First().index, StringComparer.Ordinal);
            foreach (var property in info.Properties)
            {
                property.Order = order.TryGetValue(property.Name, out var index) ? index : order.Count;
            }
        }

        foreach (var property in info.Properties)
        {
            if (property.Set is { } set)
            {
                var name = property.Name;
                property.Set = (target, value) =>
                {
                    try
                    {
                        set(target, value);
                    }
                    catch (ArgumentException refusal)
                    {
                        throw new ConfigValueJsonException(name, refusal);
                    }
                };
            }
        }
    }
}
