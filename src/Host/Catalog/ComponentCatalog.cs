using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.IO.Enumeration;
using System.Reflection;
using ImageClassifier.Shared.Text;

namespace ImageClassifier.Hosting.Catalog;

/// <summary>
/// The registry of a running host: the component kinds it knows and every component registered
/// under them, found by name or alias, listed with wildcards and described for people and tools.
/// </summary>
/// <remarks>
/// <para>
/// Names and aliases are unique within a kind and compare case-sensitively; suggestions for a
/// mistyped name ignore case. A later registration of a taken name fails with
/// <see cref="DuplicateComponentException"/> unless it overrides (its descriptor's
/// <see cref="ComponentDescriptor.Override"/>, or <c>allowOverride</c>), in which case it replaces
/// the earlier one and remembers it in <see cref="ComponentRegistration.Replaced"/>.
/// </para>
/// <para>
/// Thread safety: a host registers at start-up and reads afterwards, so reads must be cheap and
/// writes need only be correct. Writers take a lock, build the next state from the current one and
/// publish it as an immutable snapshot; readers take whatever snapshot is current, without locking.
/// Each call is all-or-nothing: a provider whose third component clashes leaves the catalog as it
/// was, and no reader ever sees half of a provider.
/// </para>
/// </remarks>
public sealed class ComponentCatalog
{
    private readonly Lock _writeLock = new();
    private volatile CatalogSnapshot _snapshot = CatalogSnapshot.Empty;

    /// <summary>How many components are registered.</summary>
    public int Count => _snapshot.Registrations.Count;

    /// <summary>The known kinds, sorted by name, each with its component count.</summary>
    public IReadOnlyList<KindSummary> Kinds
    {
        get
        {
            var snapshot = _snapshot;
            return snapshot.Kinds
                .Select(kind => new KindSummary(kind.Key, kind.Value, snapshot.Registrations.Count(registration => registration.Kind == kind.Key)))
                .ToArray();
        }
    }

    /// <summary>Every registration that replaced an earlier one, in the order they arrived.</summary>
    public IReadOnlyList<ComponentRegistration> Overrides => _snapshot.Overrides;

    /// <summary>
    /// Makes a kind known before any component of it is registered, so that listing and looking up
    /// by it work on an empty catalog. Registering a component declares its kind too.
    /// </summary>
    /// <param name="kindType">An abstract base carrying <see cref="ComponentKindAttribute"/>, e.g. <see cref="Backbone"/>.</param>
    /// <returns>The kind's name.</returns>
    /// <exception cref="ArgumentException">The type carries no <see cref="ComponentKindAttribute"/>.</exception>
    /// <exception cref="ComponentKindConflictException">Another base class already holds the kind's name.</exception>
    public string DeclareKind(Type kindType)
    {
        ArgumentNullException.ThrowIfNull(kindType);
        var attribute = kindType.GetCustomAttribute<ComponentKindAttribute>(inherit: false)
            ?? throw new ArgumentException(
                $"{TypeNames.Format(kindType)} carries no [ComponentKind] attribute, so it declares no kind.", nameof(kindType));
        lock (_writeLock)
        {
            var kinds = _snapshot.Kinds.ToBuilder();
            AddKind(kinds, attribute.Name, kindType, "the host");
            _snapshot = _snapshot with { Kinds = kinds.ToImmutable() };
        }

        return attribute.Name;
    }

    /// <summary>
    /// Registers the components of <paramref name="assembly"/>: reads its
    /// <see cref="ComponentProviderAttribute"/>, creates the provider it names and registers what it
    /// provides. The assembly's types are not scanned.
    /// </summary>
    /// <remarks>
    /// A plugin's component (any origin but "built-in") whose name or an alias a built-in component
    /// of its kind already holds, and that does not override it, is registered under its
    /// plugin-qualified name <c>&lt;origin&gt;.&lt;name&gt;</c> (aliases likewise) instead of failing
    /// the plugin: the built-in zoo grows towards mmpretrain's names, so a plugin written before a
    /// name became built-in keeps loading, while configs that name it keep meaning mmpretrain's
    /// component. <see cref="ComponentRegistration.DeclaredName"/> keeps the name it declared.
    /// </remarks>
    /// <param name="assembly">The assembly, e.g. ImageClassifier.Models or a plugin.</param>
    /// <param name="origin">Who brings it: "built-in", or the plugin's name.</param>
    /// <returns>What was registered; empty for an assembly without the attribute.</returns>
    /// <exception cref="ComponentProviderException">The provider is unusable or cannot be created.</exception>
    /// <exception cref="DuplicateComponentException">A component clashes with one already registered (not a built-in, for a plugin), or its qualified name is taken; nothing is registered.</exception>
    public IReadOnlyList<ComponentRegistration> RegisterAssembly(Assembly assembly, string origin)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        var provider = CreateProvider(assembly, origin);
        return provider is null
            ? []
            : Commit(ListComponents(provider, origin), origin, allowOverride: false, qualifyBuiltInClashes: origin != BuiltInComponents.Origin);
    }

    /// <summary>Registers every component of <paramref name="provider"/>, all or none.</summary>
    /// <param name="provider">The provider, usually generated.</param>
    /// <param name="origin">Who brings it: "built-in", or the plugin's name.</param>
    /// <returns>What was registered, in the provider's order.</returns>
    /// <exception cref="ComponentProviderException">The provider fails or gives a null component.</exception>
    /// <exception cref="DuplicateComponentException">A component clashes; nothing is registered.</exception>
    public IReadOnlyList<ComponentRegistration> Register(IComponentProvider provider, string origin)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        return Commit(ListComponents(provider, origin), origin, allowOverride: false);
    }

    private static IReadOnlyList<ComponentDescriptor> ListComponents(IComponentProvider provider, string origin)
    {
        IReadOnlyList<ComponentDescriptor>? components;
        try
        {
            components = provider.Components;
        }
        catch (Exception exception)
        {
            throw new ComponentProviderException(
                $"The component provider {TypeNames.Format(provider.GetType())} ({origin}) failed to list its components: {exception.Message}",
                exception);
        }

        if (components is null || components.Any(component => component is null))
        {
            throw new ComponentProviderException(
                $"The component provider {TypeNames.Format(provider.GetType())} ({origin}) returned a null component list or a null component.");
        }

        return components;
    }

    /// <summary>Registers one component.</summary>
    /// <param name="descriptor">What the component declares.</param>
    /// <param name="origin">Who brings it: "built-in", or the plugin's name.</param>
    /// <param name="allowOverride">Replace a component registered under the same name, as if the descriptor said <see cref="ComponentDescriptor.Override"/>.</param>
    /// <returns>The new registration.</returns>
    /// <exception cref="DuplicateComponentException">Its name or an alias is taken in its kind and it does not override.</exception>
    /// <exception cref="ComponentKindConflictException">Its kind's name belongs to another base class.</exception>
    public ComponentRegistration Register(ComponentDescriptor descriptor, string origin, bool allowOverride = false)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        return Commit([descriptor], origin, allowOverride)[0];
    }

    /// <summary>The canonical spelling of a known kind; an exact match wins, else a unique one ignoring case.</summary>
    /// <exception cref="UnknownComponentKindException">No known kind matches.</exception>
    public string ResolveKind(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return ResolveKind(_snapshot, kind);
    }

    /// <summary>Finds a component by name or alias, optionally within one kind.</summary>
    /// <param name="name">The registry name or an alias, with its exact case.</param>
    /// <param name="kind">The kind to look in; null looks in every kind.</param>
    /// <exception cref="ComponentNotFoundException">Nothing is registered under the name; the message suggests close names.</exception>
    /// <exception cref="AmbiguousComponentException">No kind was given and several kinds hold the name.</exception>
    /// <exception cref="UnknownComponentKindException">The kind is not known.</exception>
    public ComponentRegistration Find(string name, string? kind = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var snapshot = _snapshot;
        if (kind is null)
        {
            var matches = MatchesInEveryKind(snapshot, name);
            return matches.Count switch
            {
                1 => matches[0],
                0 => throw NotFound(snapshot, name, kind: null),
                _ => throw new AmbiguousComponentException(name, matches),
            };
        }

        var resolved = ResolveKind(snapshot, kind);
        return snapshot.ByKey.TryGetValue(new ComponentKey(resolved, name), out var registration)
            ? registration
            : throw NotFound(snapshot, name, resolved);
    }

    /// <summary>Finds a component by name or alias in any kind; false when none or several kinds hold it.</summary>
    public bool TryFind(string name, [NotNullWhen(true)] out ComponentRegistration? registration) =>
        TryFind(name, kind: null, out registration);

    /// <summary>
    /// Finds a component by name or alias; false when it is not registered, when the kind is not
    /// known, or when no kind is given and several kinds hold the name.
    /// </summary>
    public bool TryFind(string name, string? kind, [NotNullWhen(true)] out ComponentRegistration? registration)
    {
        ArgumentNullException.ThrowIfNull(name);
        var snapshot = _snapshot;
        registration = null;
        if (kind is null)
        {
            var matches = MatchesInEveryKind(snapshot, name);
            registration = matches.Count == 1 ? matches[0] : null;
        }
        else if (TryResolveKind(snapshot, kind, out var resolved))
        {
            snapshot.ByKey.TryGetValue(new ComponentKey(resolved, name), out registration);
        }

        return registration is not null;
    }

    /// <summary>
    /// The components whose name or an alias matches <paramref name="pattern"/> (<c>*</c> any run,
    /// <c>?</c> one character, <c>\</c> makes the next one literal, case ignored, whole names),
    /// sorted by kind, then name.
    /// </summary>
    /// <param name="pattern">The pattern; null or empty lists everything.</param>
    /// <param name="kind">Only this kind; null lists every kind.</param>
    /// <exception cref="UnknownComponentKindException">The kind is not known.</exception>
    public IReadOnlyList<ComponentRegistration> List(string? pattern = null, string? kind = null)
    {
        var snapshot = _snapshot;
        var resolved = kind is null ? null : ResolveKind(snapshot, kind);
        return snapshot.Registrations
            .Where(registration => resolved is null || registration.Kind == resolved)
            .Where(registration => string.IsNullOrEmpty(pattern) || registration.Keys.Any(key => FileSystemName.MatchesSimpleExpression(pattern, key, ignoreCase: true)))
            .OrderBy(registration => registration.Kind, StringComparer.Ordinal)
            .ThenBy(registration => registration.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(registration => registration.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Everything known of one component; finds it as <see cref="Find"/> does.</summary>
    /// <exception cref="ComponentNotFoundException">Nothing is registered under the name.</exception>
    /// <exception cref="AmbiguousComponentException">No kind was given and several kinds hold the name.</exception>
    /// <exception cref="UnknownComponentKindException">The kind is not known.</exception>
    public ComponentDescription Describe(string name, string? kind = null) => Describe(Find(name, kind));

    /// <summary>Everything known of one registration, as plain text.</summary>
    public static ComponentDescription Describe(ComponentRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var descriptor = registration.Descriptor;
        var source = registration.Source;
        var replaces = new List<ReplacedComponent>();
        for (var replaced = registration.Replaced; replaced is not null; replaced = replaced.Replaced)
        {
            replaces.Add(new ReplacedComponent(
                TypeNames.Format(replaced.Descriptor.ComponentType),
                replaced.Source.Origin,
                replaced.Source.AssemblyName,
                replaced.Source.AssemblyVersion,
                replaced.Source.AssemblyLocation));
        }

        return new ComponentDescription(
            descriptor.Name,
            registration.Aliases,
            descriptor.Kind,
            descriptor.Summary,
            TypeNames.Format(descriptor.ComponentType),
            TypeNames.Format(descriptor.ConfigType),
            TypeNames.Format(descriptor.KindType),
            descriptor.BaseName,
            descriptor.Override,
            source.Origin,
            source.AssemblyName,
            source.AssemblyVersion,
            source.AssemblyLocation,
            replaces,
            descriptor.Parameters.Select(DescribeParameter).ToArray());
    }

    private static ParameterDescription DescribeParameter(ParameterDescriptor parameter) => new(
        parameter.Name,
        parameter.JsonName,
        parameter.TypeDisplay,
        TypeNames.Format(parameter.Type),
        parameter.ComponentKind,
        parameter.Required,
        parameter.DefaultJson,
        (parameter.Constraints ?? []).Select(constraint => constraint.Expectation).ToArray(),
        parameter.Doc,
        parameter.DeclaredBy);

    private static IComponentProvider? CreateProvider(Assembly assembly, string origin)
    {
        var assemblyName = assembly.GetName().Name;
        ComponentProviderAttribute? attribute;
        try
        {
            attribute = assembly.GetCustomAttribute<ComponentProviderAttribute>();
        }
        catch (Exception exception) when (exception is TypeLoadException or FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new ComponentProviderException(
                $"The component provider attribute of assembly '{assemblyName}' ({origin}) cannot be read: {exception.Message}", exception);
        }

        if (attribute is null)
        {
            RejectForeignProviderAttribute(assembly, origin);
            return null;
        }

        var providerType = attribute.ProviderType
            ?? throw new ComponentProviderException($"Assembly '{assemblyName}' ({origin}) names no type in its [ComponentProvider] attribute.");
        if (!typeof(IComponentProvider).IsAssignableFrom(providerType))
        {
            throw new ComponentProviderException(
                $"Assembly '{assemblyName}' ({origin}) names {TypeNames.Format(providerType)} as its component provider, " +
                "but that type does not implement ImageClassifier.IComponentProvider from the host's ImageClassifier.Abstractions.");
        }

        var constructor = providerType.IsAbstract || providerType.ContainsGenericParameters
            ? null
            : providerType.GetConstructor(BindingFlags.Instance | BindingFlags.Public, Type.EmptyTypes);
        if (constructor is null)
        {
            throw new ComponentProviderException(
                $"The component provider {TypeNames.Format(providerType)} of assembly '{assemblyName}' ({origin}) " +
                "cannot be created: it needs to be a concrete class with a public parameterless constructor.");
        }

        try
        {
            return (IComponentProvider)constructor.Invoke(parameters: null);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
        {
            throw new ComponentProviderException(
                $"Creating the component provider {TypeNames.Format(providerType)} of assembly '{assemblyName}' ({origin}) failed: {inner.Message}",
                inner);
        }
    }

    // An assembly compiled against another copy of ImageClassifier.Abstractions carries an attribute
    // that is not ours by type identity, so GetCustomAttribute misses it; say so instead of
    // registering nothing in silence.
    private static void RejectForeignProviderAttribute(Assembly assembly, string origin)
    {
        var foreign = assembly.GetCustomAttributesData()
            .FirstOrDefault(data => data.AttributeType.FullName == typeof(ComponentProviderAttribute).FullName);
        if (foreign is not null)
        {
            throw new ComponentProviderException(
                $"Assembly '{assembly.GetName().Name}' ({origin}) has a [ComponentProvider] attribute from another copy of " +
                $"ImageClassifier.Abstractions ({foreign.AttributeType.Assembly.Location}); it must share the host's " +
                $"({typeof(ComponentProviderAttribute).Assembly.Location}) for its components to be registered.");
        }
    }

    private IReadOnlyList<ComponentRegistration> Commit(IReadOnlyList<ComponentDescriptor> descriptors, string origin, bool allowOverride, bool qualifyBuiltInClashes = false)
    {
        lock (_writeLock)
        {
            var current = _snapshot;
            var kinds = current.Kinds.ToBuilder();
            var byKey = current.ByKey.ToBuilder();
            var registrations = current.Registrations.ToBuilder();
            var overrides = current.Overrides.ToBuilder();
            var added = new List<ComponentRegistration>(descriptors.Count);
            foreach (var declared in descriptors)
            {
                Validate(declared);
                var kind = declared.Kind;
                var descriptor = qualifyBuiltInClashes && !allowOverride && !declared.Override && ClashesWithBuiltIn(byKey, declared)
                    ? Qualified(declared, origin)
                    : declared;
                AddKind(kinds, kind, descriptor.KindType, $"{TypeNames.Format(descriptor.ComponentType)} ({origin})");

                ComponentRegistration? target = null;
                if (allowOverride || descriptor.Override)
                {
                    byKey.TryGetValue(new ComponentKey(kind, descriptor.Name), out target);
                }

                var registration = new ComponentRegistration(descriptor, ComponentSource.For(descriptor.Assembly, origin), target, declared.Name);
                foreach (var key in registration.Keys)
                {
                    if (byKey.TryGetValue(new ComponentKey(kind, key), out var existing) && existing != target)
                    {
                        throw new DuplicateComponentException(kind, key, existing, registration);
                    }
                }

                if (target is not null)
                {
                    foreach (var key in target.Keys)
                    {
                        byKey.Remove(new ComponentKey(kind, key));
                    }

                    registrations.Remove(target);
                    overrides.Add(registration);
                }

                foreach (var key in registration.Keys)
                {
                    byKey[new ComponentKey(kind, key)] = registration;
                }

                registrations.Add(registration);
                added.Add(registration);
            }

            _snapshot = new CatalogSnapshot(kinds.ToImmutable(), byKey.ToImmutable(), registrations.ToImmutable(), overrides.ToImmutable());
            return added;
        }
    }

    private static bool ClashesWithBuiltIn(ImmutableDictionary<ComponentKey, ComponentRegistration>.Builder byKey, ComponentDescriptor descriptor) =>
        descriptor.Aliases.Prepend(descriptor.Name).Any(key =>
            byKey.TryGetValue(new ComponentKey(descriptor.Kind, key), out var existing) && existing.Source.Origin == BuiltInComponents.Origin);

    private static ComponentDescriptor Qualified(ComponentDescriptor descriptor, string origin) => new()
    {
        Name = $"{origin}.{descriptor.Name}",
        Aliases = [.. descriptor.Aliases.Select(alias => $"{origin}.{alias}")],
        Kind = descriptor.Kind,
        KindType = descriptor.KindType,
        ComponentType = descriptor.ComponentType,
        ConfigType = descriptor.ConfigType,
        BaseName = descriptor.BaseName,
        Summary = descriptor.Summary,
        Parameters = descriptor.Parameters,
        Override = descriptor.Override,
    };

    private static void Validate(ComponentDescriptor descriptor)
    {
        var problem =
            string.IsNullOrWhiteSpace(descriptor.Name) ? "has no name" :
            string.IsNullOrWhiteSpace(descriptor.Kind) ? "has no kind" :
            descriptor.KindType is null ? "has no kind type" :
            descriptor.ComponentType is null ? "has no component type" :
            descriptor.ConfigType is null ? "has no config type" :
            descriptor.Parameters is null ? "has no parameter list" :
            descriptor.Aliases is null || descriptor.Aliases.Any(string.IsNullOrWhiteSpace) ? "has a null or blank alias" :
            null;
        if (problem is not null)
        {
            throw new ArgumentException($"The component descriptor '{descriptor.Name}' {problem}.", nameof(descriptor));
        }
    }

    private static void AddKind(ImmutableSortedDictionary<string, Type>.Builder kinds, string kind, Type kindType, string claimant)
    {
        if (!kinds.TryGetValue(kind, out var known))
        {
            kinds.Add(kind, kindType);
        }
        else if (known != kindType)
        {
            throw new ComponentKindConflictException(kind, known, kindType, claimant);
        }
    }

    private static List<ComponentRegistration> MatchesInEveryKind(CatalogSnapshot snapshot, string name)
    {
        var matches = new List<ComponentRegistration>();
        foreach (var kind in snapshot.Kinds.Keys)
        {
            if (snapshot.ByKey.TryGetValue(new ComponentKey(kind, name), out var registration))
            {
                matches.Add(registration);
            }
        }

        return matches;
    }

    private static string ResolveKind(CatalogSnapshot snapshot, string kind)
    {
        if (TryResolveKind(snapshot, kind, out var resolved))
        {
            return resolved;
        }

        var known = snapshot.Kinds.Keys.ToArray();
        throw new UnknownComponentKindException(kind, known, NameSuggestions.Rank(kind, known));
    }

    private static bool TryResolveKind(CatalogSnapshot snapshot, string kind, [NotNullWhen(true)] out string? resolved)
    {
        if (snapshot.Kinds.ContainsKey(kind))
        {
            resolved = kind;
            return true;
        }

        var ignoringCase = snapshot.Kinds.Keys.Where(known => string.Equals(known, kind, StringComparison.OrdinalIgnoreCase)).ToArray();
        resolved = ignoringCase.Length == 1 ? ignoringCase[0] : null;
        return resolved is not null;
    }

    private static ComponentNotFoundException NotFound(CatalogSnapshot snapshot, string name, string? kind)
    {
        var pool = kind is null
            ? snapshot.Registrations
            : snapshot.Registrations.Where(registration => registration.Kind == kind);
        var ranked = NameSuggestions.Rank(name, pool, registration => registration.Keys);
        var suggestions = ranked.Select(match => match.Key).ToArray();

        if (kind is null)
        {
            var offered = ranked.Select(match => $"{CatalogText.Quote(match.Key)} ({match.Item.Kind})").ToArray();
            var message = $"No component named '{name}' is registered.";
            message += offered.Length > 0
                ? $" Did you mean {CatalogText.JoinOr(offered)}?"
                : snapshot.Registrations.IsEmpty ? " The catalog is empty." : string.Empty;
            return new ComponentNotFoundException(name, kind, suggestions, [], message);
        }

        var otherKinds = snapshot.Kinds.Keys
            .Where(other => other != kind && snapshot.ByKey.ContainsKey(new ComponentKey(other, name)))
            .ToArray();
        var text = $"No {kind} named '{name}' is registered.";
        if (otherKinds.Length > 0)
        {
            text += $" '{name}' is {CatalogText.JoinOr(otherKinds.Select(CatalogText.WithArticle))}, not {CatalogText.WithArticle(kind)}.";
        }

        text += CatalogText.DidYouMean(suggestions);
        if (suggestions.Length == 0 && otherKinds.Length == 0 && !snapshot.Registrations.Any(registration => registration.Kind == kind))
        {
            text += $" The catalog holds no component of kind '{kind}' at all.";
        }

        return new ComponentNotFoundException(name, kind, suggestions, otherKinds, text);
    }
}
