using System.Collections.Immutable;
using System.Numerics;
using ImageClassifier.Shared.Text;
using Microsoft.CodeAnalysis;

namespace ImageClassifier.Generators.Json;

/// <summary>What a config member accepts in JSON, read from its C# type.</summary>
internal enum SlotKind
{
    /// <summary>A type with a converter of its own, <c>object</c>, a dictionary...: not judged here.</summary>
    Any,
    Boolean,
    Integer,
    Number,
    String,

    /// <summary>An enum written by name (snake_case, or its <c>[JsonStringEnumMemberName]</c>).</summary>
    EnumName,

    /// <summary>A nested component config picked by "type": <c>ComponentConfig&lt;Backbone&gt;</c>, or a kind base parameter.</summary>
    Component,

    /// <summary>A specific config class (a <c>norm_cfg</c> of type <c>BNConfig</c>): "type" may be left out.</summary>
    ConfigClass,
    List,
}

/// <summary>
/// The JSON a config member accepts, as the host's binder judges it: the JSON kind, integer
/// ranges, enum names, whether null is allowed, and for nested components their kind.
/// </summary>
internal sealed class ValueSlot
{
    private static readonly ValueSlot Anything = new(SlotKind.Any, allowsNull: true);

    private ValueSlot(SlotKind kind, bool allowsNull)
    {
        Kind = kind;
        AllowsNull = allowsNull;
    }

    public SlotKind Kind { get; }

    public bool AllowsNull { get; }

    /// <summary>The CLR type of a number (for an enum written as a number, its underlying type).</summary>
    public SpecialType NumberType { get; private init; }

    /// <summary>The enum of an <see cref="SlotKind.EnumName"/> slot, or of an enum written as a number.</summary>
    public INamedTypeSymbol? EnumType { get; private init; }

    /// <summary>The names of an <see cref="SlotKind.EnumName"/> slot with their values, in declaration order.</summary>
    public ImmutableArray<(string Name, object? Value)> EnumNames { get; private init; } = [];

    /// <summary>The kind of a nested component ("backbone"); null when any kind may stand here.</summary>
    public string? ComponentKind { get; private init; }

    /// <summary>The config class of a <see cref="SlotKind.ConfigClass"/> slot.</summary>
    public INamedTypeSymbol? ConfigType { get; private init; }

    /// <summary>What each item of a <see cref="SlotKind.List"/> slot accepts.</summary>
    public ValueSlot? Item { get; private init; }

    /// <summary>What the slot expects, in the words the host's binder uses for the same member.</summary>
    public ExpectedValue Expected(KnownComponents components) => Kind switch
    {
        SlotKind.Boolean => ExpectedValue.Of(ExpectedValueKind.Boolean, AllowsNull),
        SlotKind.Integer when EnumType is not null => ExpectedValue.IntegerFor(EnumType.Name, AllowsNull),
        SlotKind.Integer => ExpectedValue.Of(ExpectedValueKind.Integer, AllowsNull),
        SlotKind.Number => ExpectedValue.Of(ExpectedValueKind.Number, AllowsNull),
        SlotKind.String => ExpectedValue.Of(ExpectedValueKind.String, AllowsNull),
        SlotKind.EnumName => ExpectedValue.OneOf([.. EnumNames.Select(entry => entry.Name)], AllowsNull),
        SlotKind.Component => ExpectedValue.Component((ComponentKind ?? "component") + " config", AllowsNull),

        // The host names a config class's own component, which "type" may then leave out.
        SlotKind.ConfigClass => ExpectedValue.Component(
            ((ConfigType is null ? null : components.WithConfig(ConfigType)?.Name) ?? ComponentKind ?? "component") + " config",
            AllowsNull),
        SlotKind.List => ExpectedValue.ListOf(Item?.Expected(components) ?? ExpectedValue.Any, AllowsNull),
        _ => ExpectedValue.Any,
    };

    /// <summary>
    /// The slot of a member of type <paramref name="type"/>. <paramref name="converter"/> is the
    /// member's own <c>[JsonConverter]</c> type; <paramref name="enumsByName"/> says whether an enum
    /// without a converter is written by name (the generator gives every scalar enum member one).
    /// </summary>
    public static ValueSlot For(ITypeSymbol type, NullableAnnotation annotation, ITypeSymbol? converter, bool enumsByName)
    {
        var allowsNull = type.IsReferenceType
            ? annotation != NullableAnnotation.NotAnnotated
            : type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        var underlying = ComponentSymbols.UnwrapNullable(type);

        if (converter is not null)
        {
            return IsSnakeCaseEnumConverter(converter) && underlying is INamedTypeSymbol { TypeKind: TypeKind.Enum } convertedEnum
                ? EnumByName(convertedEnum, allowsNull)
                : Anything;
        }

        if (underlying is IArrayTypeSymbol array)
        {
            return array.Rank == 1
                ? new ValueSlot(SlotKind.List, allowsNull) { Item = For(array.ElementType, array.ElementNullableAnnotation, converter: null, enumsByName: false) }
                : Anything;
        }

        if (underlying is not INamedTypeSymbol named)
        {
            return Anything;
        }

        if (ComponentSymbols.IsKindBase(named))
        {
            return new ValueSlot(SlotKind.Component, allowsNull) { ComponentKind = ComponentSymbols.KindName(named) };
        }

        if (ComponentSymbols.IsAbstractionsType(named, "ComponentConfig"))
        {
            return new ValueSlot(SlotKind.Component, allowsNull) { ComponentKind = named.Arity == 1 ? KindOfConfigArgument(named.TypeArguments[0]) : null };
        }

        if (ComponentSymbols.IsConfigType(named))
        {
            return new ValueSlot(SlotKind.ConfigClass, allowsNull) { ConfigType = named, ComponentKind = KindOfConfigClass(named) };
        }

        if (ComponentSymbols.HasOwnConverter(named))
        {
            // Its converter decides what it reads, as the host's binder leaves it to that converter.
            return Anything;
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            var ownConverter = JsonConverterOf(named);
            return ownConverter is not null ? For(type, annotation, ownConverter, enumsByName)
                : enumsByName ? EnumByName(named, allowsNull)
                : new ValueSlot(SlotKind.Integer, allowsNull) { EnumType = named, NumberType = named.EnumUnderlyingType?.SpecialType ?? SpecialType.System_Int32 };
        }

        switch (named.SpecialType)
        {
            case SpecialType.System_Boolean:
                return new ValueSlot(SlotKind.Boolean, allowsNull);
            case SpecialType.System_String:
                return new ValueSlot(SlotKind.String, allowsNull);
            case SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                return new ValueSlot(SlotKind.Number, allowsNull) { NumberType = named.SpecialType };
            case var special when IntegerRange(special) is not null:
                return new ValueSlot(SlotKind.Integer, allowsNull) { NumberType = special };
        }

        // Lists and other collections are read item by item, as an array is.
        var itemType = named.AllInterfaces
            .Concat(named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T ? [named] : [])
            .Where(face => face.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            .Select(face => face.TypeArguments[0])
            .Distinct<ITypeSymbol>(SymbolEqualityComparer.Default)
            .ToList();
        var isDictionary = named.AllInterfaces.Any(face => face.Name is "IDictionary" or "IReadOnlyDictionary");
        return itemType.Count == 1 && !isDictionary
            ? new ValueSlot(SlotKind.List, allowsNull) { Item = For(itemType[0], itemType[0].NullableAnnotation, converter: null, enumsByName: false) }
            : Anything;
    }

    /// <summary>A position that holds a component config of <paramref name="kind"/> (of any kind when null), never null.</summary>
    public static ValueSlot ForComponent(string? kind) => new(SlotKind.Component, allowsNull: false) { ComponentKind = kind };

    /// <summary>The smallest and largest value of an integer type; null for other types.</summary>
    public static (BigInteger Minimum, BigInteger Maximum)? IntegerRange(SpecialType type) => type switch
    {
        SpecialType.System_SByte => (sbyte.MinValue, sbyte.MaxValue),
        SpecialType.System_Byte => (byte.MinValue, byte.MaxValue),
        SpecialType.System_Int16 => (short.MinValue, short.MaxValue),
        SpecialType.System_UInt16 => (ushort.MinValue, ushort.MaxValue),
        SpecialType.System_Int32 => (int.MinValue, int.MaxValue),
        SpecialType.System_UInt32 => (uint.MinValue, uint.MaxValue),
        SpecialType.System_Int64 => (long.MinValue, long.MaxValue),
        SpecialType.System_UInt64 => (ulong.MinValue, ulong.MaxValue),
        _ => null,
    };

    /// <summary>The <c>[JsonConverter]</c> type on a member or type, if any.</summary>
    public static ITypeSymbol? JsonConverterOf(ISymbol symbol) =>
        symbol.GetAttributes()
            .FirstOrDefault(attribute => attribute.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonConverterAttribute")
            ?.ConstructorArguments.FirstOrDefault().Value as ITypeSymbol;

    private static ValueSlot EnumByName(INamedTypeSymbol enumType, bool allowsNull)
    {
        var names = enumType.GetMembers()
            .OfType<IFieldSymbol>()
            .Where(field => field.HasConstantValue)
            .Select(field => (Name: field.GetAttributes()
                    .FirstOrDefault(attribute => attribute.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute")
                    ?.ConstructorArguments.FirstOrDefault().Value as string
                    ?? Naming.ToSnakeCase(field.Name),
                field.ConstantValue))
            .ToImmutableArray();
        return new ValueSlot(SlotKind.EnumName, allowsNull) { EnumType = enumType, EnumNames = names };
    }

    private static bool IsSnakeCaseEnumConverter(ITypeSymbol converter) =>
        ComponentSymbols.IsAbstractionsType(converter, "SnakeCaseEnumConverter");

    private static string? KindOfConfigArgument(ITypeSymbol kindType) =>
        kindType is INamedTypeSymbol named && ComponentSymbols.IsKindBase(named) ? ComponentSymbols.KindName(named) : kindType.Name.ToLowerInvariant();

    private static string? KindOfConfigClass(INamedTypeSymbol config)
    {
        for (var current = config; current is not null; current = current.BaseType)
        {
            if (ComponentSymbols.IsAbstractionsType(current, "ComponentConfig"))
            {
                return current.Arity == 1 ? KindOfConfigArgument(current.TypeArguments[0]) : null;
            }
        }

        return null;
    }
}
