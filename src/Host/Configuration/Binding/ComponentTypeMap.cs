using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Shared.Text;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// What the binding needs to know of a catalog, taken once: the kinds, the registrations whose
/// config classes can be bound, and for every config base type the registrations that may stand
/// where it is declared.
/// </summary>
/// <remarks>
/// A copy rather than live look-ups: the serializer options built from it are fixed once used, so
/// look-ups and options must agree even if the catalog gains components later.
/// </remarks>
internal sealed class ComponentTypeMap
{
    private readonly Dictionary<string, Type> kindTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> kindNames = [];
    private readonly Dictionary<(string Kind, string Key), ComponentRegistration> byKey = [];
    private readonly Dictionary<Type, ComponentRegistration> byConfigType = [];
    private readonly Dictionary<Type, List<ComponentRegistration>> byComponentType = [];
    private readonly Dictionary<Type, List<ComponentRegistration>> assignable = [];

    public ComponentTypeMap(ComponentCatalog catalog)
    {
        foreach (var kind in catalog.Kinds)
        {
            kindTypes[kind.Name] = kind.BaseType;
            kindNames[kind.BaseType] = kind.Name;
        }

        Registrations = catalog.List();
        foreach (var registration in Registrations)
        {
            foreach (var key in registration.Keys)
            {
                byKey[(registration.Kind, key)] = registration;
            }

            if (!byComponentType.TryGetValue(registration.Descriptor.ComponentType, out var sameComponent))
            {
                byComponentType[registration.Descriptor.ComponentType] = sameComponent = [];
            }

            sameComponent.Add(registration);

            // A config class under two registrations would give the serializer two names for one
            // type: the first registration keeps it.
            if (!IsBindable(registration) || !byConfigType.TryAdd(registration.Descriptor.ConfigType, registration))
            {
                continue;
            }

            // The registration may stand wherever its config class or one of its bases is
            // declared, up to the kind's ComponentConfig<TKind>.
            var kindBase = ConfigBaseOf(registration.Descriptor.KindType);
            for (var type = registration.Descriptor.ConfigType; type is not null && type != typeof(ComponentConfig); type = type.BaseType)
            {
                if (!assignable.TryGetValue(type, out var list))
                {
                    assignable[type] = list = [];
                }

                list.Add(registration);
                if (type == kindBase)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Every registration, sorted by kind, then name.</summary>
    public IReadOnlyList<ComponentRegistration> Registrations { get; }

    /// <summary>The known kinds by name.</summary>
    public IReadOnlyDictionary<string, Type> Kinds => kindTypes;

    /// <summary>Each config type that registrations may stand for, with them (its own registration included).</summary>
    public IReadOnlyDictionary<Type, List<ComponentRegistration>> PolymorphicTypes => assignable;

    /// <summary><c>ComponentConfig&lt;TKind&gt;</c> for a kind base.</summary>
    public static Type ConfigBaseOf(Type kindType) => typeof(ComponentConfig<>).MakeGenericType(kindType);

    /// <summary>Whether a registration's config class derives from its kind's config base and can be created.</summary>
    public static bool IsBindable(ComponentRegistration registration)
    {
        var descriptor = registration.Descriptor;
        return !descriptor.ConfigType.IsAbstract
            && !descriptor.KindType.IsValueType
            && ConfigBaseOf(descriptor.KindType).IsAssignableFrom(descriptor.ConfigType);
    }

    /// <summary>The kind's name for a kind base, from the catalog or else from its attribute.</summary>
    public string? KindNameOf(Type kindType) =>
        kindNames.TryGetValue(kindType, out var name) ? name : kindType.GetCustomAttribute<ComponentKindAttribute>(inherit: false)?.Name;

    /// <summary>The registration a config of <paramref name="kindType"/> stands for without "type" (<see cref="ComponentKindAttribute.DefaultType"/>), or null.</summary>
    public ComponentRegistration? KindDefault(Type kindType) =>
        kindType.GetCustomAttribute<ComponentKindAttribute>(inherit: false) is { DefaultType: { } name }
            && KindNameOf(kindType) is { } kind
            && TryFind(kind, name, out var registration)
                ? registration
                : null;

    /// <summary>Finds a registration by name or alias within a kind (case-sensitive).</summary>
    public bool TryFind(string kind, string key, [NotNullWhen(true)] out ComponentRegistration? registration) =>
        byKey.TryGetValue((kind, key), out registration);

    /// <summary>The registrations of every kind that hold <paramref name="key"/> as name or alias.</summary>
    public IReadOnlyList<ComponentRegistration> FindInEveryKind(string key) =>
        kindTypes.Keys.Order(StringComparer.Ordinal)
            .Select(kind => byKey.GetValueOrDefault((kind, key)))
            .OfType<ComponentRegistration>()
            .ToArray();

    /// <summary>Registered names (or aliases) close to <paramref name="key"/>, best first; in one kind, or in all when null.</summary>
    public IReadOnlyList<string> Suggest(string key, string? kind)
    {
        var pool = kind is null ? Registrations : Registrations.Where(registration => registration.Kind == kind);
        return NameSuggestions.Closest(key, pool, registration => registration.Keys);
    }

    /// <summary>The registrations of one kind, sorted by name.</summary>
    public IReadOnlyList<ComponentRegistration> InKind(string kind) =>
        Registrations.Where(registration => registration.Kind == kind).ToArray();

    /// <summary>The registration whose config class is exactly <paramref name="configType"/>.</summary>
    public bool TryGetByConfigType(Type configType, [NotNullWhen(true)] out ComponentRegistration? registration) =>
        byConfigType.TryGetValue(configType, out registration);

    /// <summary>The registrations of a component class.</summary>
    public IReadOnlyList<ComponentRegistration> ByComponentType(Type componentType) =>
        byComponentType.TryGetValue(componentType, out var list) ? list : [];

    /// <summary>
    /// Where a value of <paramref name="declaredType"/> is a component config chosen by "type":
    /// a kind's <c>ComponentConfig&lt;TKind&gt;</c>, or a config class that registrations stand for.
    /// </summary>
    public bool TryGetPosition(Type declaredType, [NotNullWhen(true)] out ComponentPosition? position)
    {
        position = null;
        if (declaredType == typeof(ComponentConfig))
        {
            position = new ComponentPosition(Kind: null, declaredType, Default: null);
            return true;
        }

        if (!typeof(ComponentConfig).IsAssignableFrom(declaredType))
        {
            return false;
        }

        if (declaredType.IsGenericType && declaredType.GetGenericTypeDefinition() == typeof(ComponentConfig<>))
        {
            var kindType = declaredType.GetGenericArguments()[0];
            position = new ComponentPosition(KindNameOf(kindType) ?? kindType.Name, declaredType, KindDefault(kindType));
            return true;
        }

        if (assignable.TryGetValue(declaredType, out var registrations))
        {
            byConfigType.TryGetValue(declaredType, out var own);
            position = new ComponentPosition(registrations[0].Kind, declaredType, own);
            return true;
        }

        if (declaredType.IsAbstract)
        {
            // An abstract config class that nothing registered derives from: "type" can name nothing.
            var kind = FindKindBase(declaredType) is { } kindType ? KindNameOf(kindType) : null;
            position = new ComponentPosition(kind, declaredType, Default: null);
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="registration"/> may stand where <paramref name="position"/> is declared.</summary>
    public bool Fits(ComponentRegistration registration, ComponentPosition position) =>
        IsBindable(registration) && position.DeclaredType.IsAssignableFrom(registration.Descriptor.ConfigType);

    /// <summary>The registrations that may stand where <paramref name="position"/> is declared.</summary>
    public IReadOnlyList<ComponentRegistration> Candidates(ComponentPosition position) =>
        position.Kind is null
            ? Registrations.Where(IsBindable).ToArray()
            : assignable.TryGetValue(position.DeclaredType, out var list) ? list : [];

    private static Type? FindKindBase(Type configType)
    {
        for (var type = configType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ComponentConfig<>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }
}
