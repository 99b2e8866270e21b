using System.Collections.Immutable;
using ImageClassifier.Shared.Text;
using Microsoft.CodeAnalysis;

namespace ImageClassifier.Generators.Json;

/// <summary>One member of a component's config as JSON sees it: its name, the C# symbol that carries its constraints, and what it accepts.</summary>
internal sealed class ConfigMember(string jsonName, ISymbol symbol, ITypeSymbol type, ValueSlot slot)
{
    public string JsonName { get; } = jsonName;

    /// <summary>The config property, or (before the generator has written the config) the constructor parameter.</summary>
    public ISymbol Symbol { get; } = symbol;

    public ITypeSymbol Type { get; } = type;

    public ValueSlot Slot { get; } = slot;
}

/// <summary>A registered component a config may name with "type".</summary>
internal sealed class KnownComponent
{
    private readonly Lazy<ImmutableArray<ConfigMember>> _members;

    public KnownComponent(INamedTypeSymbol type, string name, ImmutableArray<string> names, string kind, bool isOverride, CancellationToken cancellationToken)
    {
        Type = type;
        Name = name;
        Names = names;
        Kind = kind;
        IsOverride = isOverride;
        _members = new Lazy<ImmutableArray<ConfigMember>>(() => KnownComponents.ReadMembers(type, cancellationToken));
    }

    public INamedTypeSymbol Type { get; }

    /// <summary>The registry name.</summary>
    public string Name { get; }

    /// <summary>The registry name and the aliases.</summary>
    public ImmutableArray<string> Names { get; }

    public string Kind { get; }

    public bool IsOverride { get; }

    /// <summary>The config members, inherited ones first; "type" is not one of them.</summary>
    public ImmutableArray<ConfigMember> Members => _members.Value;

    /// <summary>How messages name it: <c>ResNet (a backbone)</c>.</summary>
    public string Description => ConfigMessages.ComponentOwner(Name, Kind);

    public ConfigMember? FindMember(string jsonName) => Members.FirstOrDefault(member => member.JsonName == jsonName);

    /// <summary>Whether <paramref name="config"/> is this component's config class (<c>&lt;Class&gt;Config</c> beside the class).</summary>
    public bool HasConfig(INamedTypeSymbol config) =>
        config.Name == Type.Name + "Config"
        && config.ContainingNamespace.ToDisplayString() == Type.ContainingNamespace.ToDisplayString()
        && config.ContainingAssembly.Identity.Equals(Type.ContainingAssembly.Identity);
}

/// <summary>
/// The components a compilation can see: its own <c>[RegisterModel]</c> classes and those of every
/// referenced assembly that carries <c>[assembly: ComponentProvider]</c> (a component library built
/// with the generator). Components of plugins loaded only at run time are not among them.
/// </summary>
internal sealed class KnownComponents
{
    private const string JsonPropertyName = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
    private const string JsonIgnore = "System.Text.Json.Serialization.JsonIgnoreAttribute";

    private readonly ImmutableArray<KnownComponent> _all;
    private readonly Dictionary<string, List<KnownComponent>> _byName = new(StringComparer.Ordinal);

    private KnownComponents(ImmutableArray<KnownComponent> all)
    {
        _all = all;
        foreach (var component in all)
        {
            foreach (var name in component.Names)
            {
                if (!_byName.TryGetValue(name, out var list))
                {
                    _byName[name] = list = [];
                }

                list.Add(component);
            }
        }
    }

    /// <summary>Collects the components of <paramref name="compilation"/> and of its component libraries.</summary>
    public static KnownComponents Collect(Compilation compilation, CancellationToken cancellationToken)
    {
        var found = ImmutableArray.CreateBuilder<KnownComponent>();
        CollectFrom(compilation.Assembly.GlobalNamespace, found, cancellationToken);
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            if (assembly.GetAttributes().Any(attribute => ComponentSymbols.IsAbstractionsType(attribute.AttributeClass, "ComponentProviderAttribute")))
            {
                CollectFrom(assembly.GlobalNamespace, found, cancellationToken);
            }
        }

        return new KnownComponents(found.ToImmutable());
    }

    /// <summary>Whether any known component is of <paramref name="kind"/>.</summary>
    public bool HasKind(string kind) => _all.Any(component => component.Kind == kind);

    /// <summary>Every component registered under <paramref name="name"/> (or with it as an alias), in any kind.</summary>
    public IReadOnlyList<KnownComponent> Named(string name) => _byName.TryGetValue(name, out var list) ? list : [];

    /// <summary>
    /// The component <paramref name="name"/> picks in <paramref name="kind"/> (any kind when null):
    /// the one registered with <c>Override = true</c> when several share the name. Null when none,
    /// or when, in any kind, the name belongs to components of several kinds.
    /// </summary>
    public KnownComponent? Resolve(string name, string? kind)
    {
        var matches = Named(name).Where(component => kind is null || component.Kind == kind).ToList();
        if (matches.Count == 0 || matches.Select(component => component.Kind).Distinct().Count() > 1)
        {
            return null;
        }

        return matches.FirstOrDefault(component => component.IsOverride) ?? matches[0];
    }

    /// <summary>Every known component.</summary>
    public IReadOnlyList<KnownComponent> All => _all;

    /// <summary>The component whose config class is <paramref name="config"/>, if it is known.</summary>
    public KnownComponent? WithConfig(INamedTypeSymbol config) => _all.FirstOrDefault(component => component.HasConfig(config));

    /// <summary>
    /// A component's config members: from its config class when one exists (always for a referenced
    /// assembly, and in a build, where the generator has run), else from its constructor.
    /// </summary>
    public static ImmutableArray<ConfigMember> ReadMembers(INamedTypeSymbol component, CancellationToken cancellationToken)
    {
        var config = component.ContainingNamespace
            .GetTypeMembers(component.Name + "Config")
            .FirstOrDefault(type => type.Arity == 0 && ComponentSymbols.IsConfigType(type));
        return config is not null ? FromConfig(config) : FromConstructor(component, cancellationToken);
    }

    private static void CollectFrom(INamespaceSymbol root, ImmutableArray<KnownComponent>.Builder found, CancellationToken cancellationToken)
    {
        var pending = new Stack<INamespaceSymbol>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = pending.Pop();
            foreach (var ns in current.GetNamespaceMembers())
            {
                pending.Push(ns);
            }

            // Registered classes stand at namespace level (ICG010), so nested types are not visited.
            foreach (var type in current.GetTypeMembers())
            {
                if (type is { TypeKind: TypeKind.Class, IsAbstract: false, IsGenericType: false }
                    && ComponentSymbols.GetRegistration(type) is { } registration
                    && ComponentSymbols.FindKindBase(type) is { } kindBase)
                {
                    var (name, _, aliases, isOverride) = ComponentSymbols.ReadRegistration(type, registration);
                    var names = new[] { name }.Concat(aliases.OfType<string>()).Where(Naming.IsValidRegistryName).Distinct(StringComparer.Ordinal).ToImmutableArray();
                    if (!names.IsEmpty)
                    {
                        found.Add(new KnownComponent(type, name, names, ComponentSymbols.KindName(kindBase), isOverride, cancellationToken));
                    }
                }
            }
        }
    }

    /// <summary>
    /// The members the host's serializer reads: public settable instance properties of the config
    /// class and its bases up to <c>ComponentConfig</c>, named by <c>[JsonPropertyName]</c> (the
    /// serializer has no naming policy, so an unnamed one keeps its C# name), less <c>[JsonIgnore]</c>.
    /// </summary>
    private static ImmutableArray<ConfigMember> FromConfig(INamedTypeSymbol config)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var current = config; current is not null && !ComponentSymbols.IsAbstractionsType(current, "ComponentConfig"); current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        var members = new List<ConfigMember>();
        foreach (var property in chain.SelectMany(type => type.GetMembers().OfType<IPropertySymbol>()))
        {
            if (property is not { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, SetMethod.DeclaredAccessibility: Accessibility.Public }
                || property.GetAttributes().Any(IsIgnoredWhenReading))
            {
                continue;
            }

            var jsonName = property.GetAttributes()
                .FirstOrDefault(attribute => attribute.AttributeClass?.ToDisplayString() == JsonPropertyName)
                ?.ConstructorArguments.FirstOrDefault().Value as string ?? property.Name;

            // An override or a 'new' member in a derived config replaces the inherited one.
            members.RemoveAll(member => member.JsonName == jsonName);
            var slot = ValueSlot.For(property.Type, property.NullableAnnotation, ValueSlot.JsonConverterOf(property), enumsByName: false);
            members.Add(new ConfigMember(jsonName, property, property.Type, slot));
        }

        return [.. members];
    }

    // [JsonIgnore] without a condition, or with Always (1) or WhenReading (5), hides the member
    // from the reader; the other conditions only concern writing.
    private static bool IsIgnoredWhenReading(AttributeData attribute) =>
        attribute.AttributeClass?.ToDisplayString() == JsonIgnore
        && (attribute.NamedArguments.FirstOrDefault(argument => argument.Key == "Condition").Value.Value ?? 1) is 1 or 5;

    /// <summary>The members the generator will write: the inherited config's, then one per constructor parameter.</summary>
    private static ImmutableArray<ConfigMember> FromConstructor(INamedTypeSymbol component, CancellationToken cancellationToken)
    {
        if (ComponentSymbols.GetRegistration(component) is not { } registration)
        {
            return [];
        }

        var inspection = ComponentSymbols.Inspect(component, registration, cancellationToken);
        var inherited = inspection.Base is not null && component.BaseType is { } baseComponent
            ? ReadMembers(baseComponent, cancellationToken)
            : [];

        // The generator gives each scalar enum member a snake_case converter.
        var own = inspection.Parameters.Select(parameter => new ConfigMember(
            parameter.JsonName,
            parameter.Symbol,
            parameter.Symbol.Type,
            ValueSlot.For(parameter.Symbol.Type, parameter.Symbol.NullableAnnotation, converter: null, enumsByName: true)));
        return [.. inherited, .. own];
    }
}
