using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using ImageClassifier.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageClassifier.Generators;

/// <summary>
/// What a [RegisterModel] class means, read from symbols: its kind, its constructor, how each
/// parameter maps to a config member, what it inherits, and what is wrong with it. The parser and
/// the analyzers both start from <see cref="Inspect"/>, so they always agree on what is valid.
/// </summary>
internal static class ComponentSymbols
{
    public const string RegisterModelAttributeName = "ImageClassifier.RegisterModelAttribute";

    /// <summary>JSON names the config loader itself uses.</summary>
    public static readonly ImmutableArray<string> ReservedJsonNames = ["type", "_base_", "_delete_"];

    /// <summary>Members every config has (or inherits from object) that a parameter must not shadow.</summary>
    public static readonly ImmutableArray<string> ReservedPropertyNames =
    [
        "TypeName", "Build", "BuildComponent", "Descriptor", "Equals", "GetHashCode", "ToString", "GetType",
        "MemberwiseClone", "ReferenceEquals", "Finalize",
    ];

    private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat Readable = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The fully qualified name with nullable annotations ("global::Ns.Type?", "int[]").</summary>
    public static string QualifiedName(ITypeSymbol type) => type.ToDisplayString(FullyQualified);

    /// <summary>The fully qualified name without nullable reference annotations, as <c>typeof</c> wants it.</summary>
    public static string TypeOfName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    /// <summary>The name as an author reads it ("int[]", "string?", "Reduction").</summary>
    public static string ReadableName(ITypeSymbol type) => type.ToDisplayString(Readable);

    /// <summary>Whether <paramref name="type"/> is <c>ImageClassifier.{name}</c> from Abstractions (any arity).</summary>
    public static bool IsAbstractionsType(ITypeSymbol? type, string name) =>
        type is INamedTypeSymbol named
        && named.Name == name
        && named.ContainingNamespace is { Name: "ImageClassifier", ContainingNamespace.IsGlobalNamespace: true };

    /// <summary>The first attribute of the Abstractions attribute class <paramref name="name"/>.</summary>
    public static AttributeData? FindAttribute(ISymbol symbol, string name) =>
        symbol.GetAttributes().FirstOrDefault(attribute => IsAbstractionsType(attribute.AttributeClass, name));

    /// <summary>The [RegisterModel] attribute of a class, if any.</summary>
    public static AttributeData? GetRegistration(INamedTypeSymbol type) => FindAttribute(type, "RegisterModelAttribute");

    /// <summary>Whether the type is a kind base: a class marked [ComponentKind].</summary>
    public static bool IsKindBase(ITypeSymbol type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class } named && FindAttribute(named.OriginalDefinition, "ComponentKindAttribute") is not null;

    /// <summary>The kind's name from a kind base's [ComponentKind].</summary>
    public static string KindName(INamedTypeSymbol kindBase) =>
        FindAttribute(kindBase.OriginalDefinition, "ComponentKindAttribute") is { ConstructorArguments: { Length: 1 } arguments }
            && arguments[0].Value is string name
            ? name
            : kindBase.Name.ToLowerInvariant();

    /// <summary>The first base class marked [ComponentKind], walking up from the direct base.</summary>
    public static INamedTypeSymbol? FindKindBase(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (IsKindBase(current))
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>
    /// The constructor whose parameters form the config: the only public one, or the one marked
    /// [ComponentConstructor]; null when there is none or the choice is ambiguous.
    /// </summary>
    public static IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, out int publicCount)
    {
        var candidates = type.InstanceConstructors.Where(constructor => constructor.DeclaredAccessibility == Accessibility.Public).ToList();
        publicCount = candidates.Count;
        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        var marked = candidates.Where(constructor => FindAttribute(constructor, "ComponentConstructorAttribute") is not null).ToList();
        return marked.Count == 1 ? marked[0] : null;
    }

    /// <summary>How a parameter of this type travels through a config.</summary>
    public static ParameterShape Classify(IParameterSymbol parameter) =>
        parameter.RefKind != RefKind.None ? ParameterShape.Unsupported
            : PendingConfigComponent(parameter) is not null ? ParameterShape.Config
            : Classify(parameter.Type);

    /// <summary>
    /// The component whose generated config a parameter takes (ClsDataPreprocessor(RandomBatchAugmentConfig)),
    /// when that component is registered in the same compilation: while the generator runs, the
    /// config does not exist yet, so the parameter's type is an error type and is matched by name,
    /// as <see cref="InspectBase"/> matches a base's config. Null for any other parameter.
    /// </summary>
    public static INamedTypeSymbol? PendingConfigComponent(IParameterSymbol parameter)
    {
        const string Suffix = "Config";
        if (UnwrapNullable(parameter.Type) is not INamedTypeSymbol { TypeKind: TypeKind.Error, Name: var name }
            || !name.EndsWith(Suffix, StringComparison.Ordinal)
            || name.Length == Suffix.Length)
        {
            return null;
        }

        var componentName = name.Substring(0, name.Length - Suffix.Length);
        var matches = new List<INamedTypeSymbol>();
        CollectRegistered(parameter.ContainingAssembly.GlobalNamespace, componentName, matches);
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>The fully qualified name of the config generated for <paramref name="component"/>, which sits in the component's namespace.</summary>
    public static string GeneratedConfigName(INamedTypeSymbol component) => TypeOfName(component) + "Config";

    private static void CollectRegistered(INamespaceSymbol scope, string name, List<INamedTypeSymbol> found)
    {
        foreach (var type in scope.GetTypeMembers(name))
        {
            if (GetRegistration(type) is not null)
            {
                found.Add(type);
            }
        }

        foreach (var nested in scope.GetNamespaceMembers())
        {
            CollectRegistered(nested, name, found);
        }
    }

    /// <summary>How a value of this type travels through a config.</summary>
    public static ParameterShape Classify(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return IsScalar(array.ElementType) ? ParameterShape.ValueArray
                : IsKindBase(array.ElementType) ? ParameterShape.ComponentArray
                : ParameterShape.Unsupported;
        }

        return IsScalar(type) ? ParameterShape.Value
            : IsKindBase(type) ? ParameterShape.Component
            : IsConfigType(type) ? ParameterShape.Config
            : HasOwnConverter(type) ? ParameterShape.Converted
            : ParameterShape.Unsupported;
    }

    /// <summary>
    /// Whether the type is a class declaring its own <c>[JsonConverter]</c>, which then decides
    /// what JSON it reads (a value mmpretrain takes in forms no other type holds, such as a number or "inf").
    /// </summary>
    public static bool HasOwnConverter(ITypeSymbol type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class } named
        && named.GetAttributes().Any(attribute => attribute.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonConverterAttribute");

    /// <summary>bool, an integer or floating-point type, string, an enum, or a nullable one of these.</summary>
    public static bool IsScalar(ITypeSymbol type)
    {
        if (UnwrapNullable(type) is var underlying && !SymbolEqualityComparer.Default.Equals(underlying, type))
        {
            return underlying.SpecialType != SpecialType.System_String && IsScalar(underlying);
        }

        return type.TypeKind == TypeKind.Enum || type.SpecialType is SpecialType.System_Boolean
            or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
            or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
            or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal or SpecialType.System_String;
    }

    /// <summary>The T of <c>Nullable&lt;T&gt;</c>, else the type itself.</summary>
    public static ITypeSymbol UnwrapNullable(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    /// <summary>Whether the type is, or derives from, <c>ImageClassifier.ComponentConfig</c>.</summary>
    public static bool IsConfigType(ITypeSymbol type)
    {
        for (var current = type as INamedTypeSymbol; current is { TypeKind: TypeKind.Class }; current = current.BaseType)
        {
            if (IsAbstractionsType(current, "ComponentConfig"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the class is declared partial.</summary>
    public static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Any(reference =>
            reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
            && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>The registry name and aliases a [RegisterModel] attribute gives.</summary>
    public static (string Name, bool IsExplicit, ImmutableArray<string?> Aliases, bool Override) ReadRegistration(INamedTypeSymbol type, AttributeData attribute)
    {
        var explicitName = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        var aliases = ImmutableArray<string?>.Empty;
        var isOverride = false;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "Aliases" && argument.Value.Kind == TypedConstantKind.Array && !argument.Value.IsNull)
            {
                aliases = [.. argument.Value.Values.Select(alias => alias.Value as string)];
            }
            else if (argument.Key == "Override" && argument.Value.Value is bool flag)
            {
                isOverride = flag;
            }
        }

        return (explicitName ?? type.Name, explicitName is not null, aliases, isOverride);
    }

    /// <summary>The text of a symbol's XML doc <c>&lt;summary&gt;</c>, whitespace-normalised.</summary>
    public static string? GetSummary(ISymbol symbol, CancellationToken cancellationToken) =>
        ReadDocumentation(symbol.GetDocumentationCommentXml(cancellationToken: cancellationToken), root => root.Element("summary"));

    /// <summary>The text of a method's XML doc <c>&lt;param name="..."&gt;</c>, whitespace-normalised.</summary>
    public static string? GetParameterDoc(IMethodSymbol method, string parameterName, CancellationToken cancellationToken) =>
        ReadDocumentation(
            method.GetDocumentationCommentXml(cancellationToken: cancellationToken),
            root => root.Elements("param").FirstOrDefault(element => (string?)element.Attribute("name") == parameterName));

    /// <summary>Reads everything the generator and the analyzers need to know about one component.</summary>
    public static ComponentInspection Inspect(INamedTypeSymbol type, AttributeData registration, CancellationToken cancellationToken)
    {
        var (name, isExplicit, aliases, isOverride) = ReadRegistration(type, registration);
        var kindBase = FindKindBase(type);
        var constructor = ChooseConstructor(type, out var publicCount);
        var derived = constructor is null ? null : InspectBase(type, constructor, cancellationToken);
        var parameters = constructor is null
            ? []
            : constructor.Parameters
                .Where(parameter => !SymbolEqualityComparer.Default.Equals(parameter, derived?.ConfigParameter))
                .Select(parameter => new ComponentParameter(parameter, Classify(parameter)))
                .ToImmutableArray();
        var inherited = derived?.Members ?? [];

        var configName = type.Name + "Config";
        var reserved = parameters
            .Select(parameter => (Parameter: parameter, Name: ReservedNameOf(parameter, configName)))
            .Where(pair => pair.Name is not null)
            .Select(pair => (pair.Parameter, pair.Name!))
            .ToImmutableArray();

        var clashes = ImmutableArray.CreateBuilder<(string First, ComponentParameter Second)>();
        for (var index = 0; index < parameters.Length; index++)
        {
            var parameter = parameters[index];
            var first = inherited
                .Where(member => member.JsonName == parameter.JsonName || member.PropertyName == parameter.PropertyName)
                .Select(member => $"{derived!.ConfigDisplayName}.{member.PropertyName}")
                .Concat(parameters.Take(index)
                    .Where(earlier => earlier.JsonName == parameter.JsonName || earlier.PropertyName == parameter.PropertyName)
                    .Select(earlier => earlier.Symbol.Name))
                .FirstOrDefault();
            if (first is not null)
            {
                clashes.Add((first, parameter));
            }
        }

        var overrides = type.GetAttributes()
            .Where(attribute => IsAbstractionsType(attribute.AttributeClass, "ParameterDefaultAttribute"))
            .Select(attribute => (Attribute: attribute, Member: attribute.ConstructorArguments.Length == 2 && attribute.ConstructorArguments[0].Value is string member
                ? inherited.FirstOrDefault(candidate => candidate.PropertyName == member)
                : null))
            .ToImmutableArray();

        return new ComponentInspection
        {
            Type = type,
            Registration = registration,
            RegistryName = name,
            HasExplicitName = isExplicit,
            Aliases = aliases,
            Override = isOverride,
            IsNested = type.ContainingType is not null,
            IsGeneric = type.IsGenericType,
            IsAbstract = type.IsAbstract,
            IsSealed = type.IsSealed,
            IsPartial = IsPartial(type, cancellationToken),
            KindBase = kindBase,
            Constructor = constructor,
            PublicConstructorCount = publicCount,
            Base = derived,
            Parameters = parameters,
            ReservedNames = reserved,
            NameClashes = clashes.ToImmutable(),
            DefaultOverrides = overrides,
        };
    }

    private static string? ReservedNameOf(ComponentParameter parameter, string configName)
    {
        if (ReservedJsonNames.Contains(parameter.JsonName))
        {
            return parameter.JsonName;
        }

        return ReservedPropertyNames.Contains(parameter.PropertyName) || parameter.PropertyName == configName
            ? parameter.PropertyName
            : null;
    }

    /// <summary>
    /// The base component a constructor takes the generated config of (ResNetCifar(ResNetConfig)).
    /// In the generator's own compilation a config generated for a base in the same project does
    /// not exist yet, so the parameter's type is an error type and is matched by name.
    /// </summary>
    private static BaseInspection? InspectBase(INamedTypeSymbol type, IMethodSymbol constructor, CancellationToken cancellationToken)
    {
        if (type.BaseType is not { } baseComponent || GetRegistration(baseComponent) is not { } baseRegistration)
        {
            return null;
        }

        var configName = baseComponent.Name + "Config";
        var configParameter = constructor.Parameters.FirstOrDefault(parameter =>
            parameter.RefKind == RefKind.None
            && parameter.Type is INamedTypeSymbol { Name: var name } candidate
            && name == configName
            && (candidate.TypeKind == TypeKind.Error || SymbolEqualityComparer.Default.Equals(candidate.ContainingNamespace, baseComponent.ContainingNamespace)));
        if (configParameter is null)
        {
            return null;
        }

        var registryName = ReadRegistration(baseComponent, baseRegistration).Name;
        var configTypeName = baseComponent.ContainingNamespace.IsGlobalNamespace
            ? $"global::{configName}"
            : $"{baseComponent.ContainingNamespace.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}.{configName}";

        if (baseComponent.Locations.Any(location => location.IsInSource))
        {
            var inspection = Inspect(baseComponent, baseRegistration, cancellationToken);
            var members = (inspection.Base?.Members ?? []).AddRange(inspection.Parameters.Select(ToInheritedMember));
            return new BaseInspection(configParameter, configTypeName, configName, registryName, members, inspection.SetsRequiredMembers, inspection.CanGenerate);
        }

        // A base from a referenced assembly: its config exists, so read the members it declares.
        var config = (INamedTypeSymbol)configParameter.Type;
        var setsRequired = config.InstanceConstructors.Any(constructor =>
            constructor.Parameters.IsEmpty
            && constructor.GetAttributes().Any(attribute => attribute.AttributeClass?.ToDisplayString() == "System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute"));
        return new BaseInspection(configParameter, configTypeName, configName, registryName, ReadConfigMembers(config), setsRequired, IsValid: true);
    }

    private static ImmutableArray<InheritedMemberModel> ReadConfigMembers(INamedTypeSymbol config)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var current = config; current is not null && !IsAbstractionsType(current, "ComponentConfig"); current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        return
        [
            .. chain.SelectMany(declaring => declaring.GetMembers().OfType<IPropertySymbol>())
                .Where(property => property is { IsStatic: false, DeclaredAccessibility: Accessibility.Public, SetMethod: not null })
                .Select(property => (Property: property, JsonName: property.GetAttributes()
                    .FirstOrDefault(attribute => attribute.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonPropertyNameAttribute")
                    ?.ConstructorArguments.FirstOrDefault().Value as string))
                .Where(pair => pair.JsonName is not null)
                .Select(pair => new InheritedMemberModel
                {
                    PropertyName = pair.Property.Name,
                    JsonName = pair.JsonName!,
                    ScalarTypeName = QualifiedName(UnwrapNullable(ElementType(pair.Property.Type))),
                    ElementTypeName = pair.Property.Type is IArrayTypeSymbol array ? QualifiedName(array.ElementType) : null,
                    Required = pair.Property.IsRequired,
                }),
        ];
    }

    private static ITypeSymbol ElementType(ITypeSymbol type) => type is IArrayTypeSymbol array ? array.ElementType : type;

    private static InheritedMemberModel ToInheritedMember(ComponentParameter parameter) => new()
    {
        PropertyName = parameter.PropertyName,
        JsonName = parameter.JsonName,
        ScalarTypeName = QualifiedName(UnwrapNullable(ElementType(parameter.Symbol.Type))),
        ElementTypeName = parameter.Shape == ParameterShape.ValueArray ? QualifiedName(ElementType(parameter.Symbol.Type)) : null,
        Required = !parameter.Symbol.HasExplicitDefaultValue,
    };

    private static string? ReadDocumentation(string? xml, System.Func<XElement, XElement?> select)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        try
        {
            var element = select(XElement.Parse(xml));
            if (element is null)
            {
                return null;
            }

            var text = NormalizeWhitespace(RenderDocText(element));
            return text.Length == 0 ? null : text;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static string RenderDocText(XElement element)
    {
        var builder = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            builder.Append(node switch
            {
                XText text => text.Value,
                XElement { Name.LocalName: "see" or "seealso" } reference => (string?)reference.Attribute("langword")
                    ?? ShortCref((string?)reference.Attribute("cref"))
                    ?? (reference.IsEmpty ? (string?)reference.Attribute("href") : RenderDocText(reference)),
                XElement { Name.LocalName: "paramref" or "typeparamref" } reference => (string?)reference.Attribute("name"),
                XElement { Name.LocalName: "para" } paragraph => " " + RenderDocText(paragraph) + " ",
                XElement other => RenderDocText(other),
                _ => null,
            });
        }

        return builder.ToString();
    }

    private static string? ShortCref(string? cref)
    {
        if (cref is null)
        {
            return null;
        }

        var name = cref.Length > 2 && cref[1] == ':' ? cref.Substring(2) : cref;
        var parenthesis = name.IndexOf('(');
        if (parenthesis >= 0)
        {
            name = name.Substring(0, parenthesis);
        }

        var tick = name.IndexOf('`');
        if (tick >= 0)
        {
            name = name.Substring(0, tick);
        }

        return name.Substring(name.LastIndexOf('.') + 1);
    }

    private static string NormalizeWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var character in text)
        {
            if (char.IsWhiteSpace(character))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(character);
        }

        return builder.ToString();
    }
}

/// <summary>One constructor parameter of a component and the config member it becomes.</summary>
internal sealed class ComponentParameter(IParameterSymbol symbol, ParameterShape shape)
{
    public IParameterSymbol Symbol { get; } = symbol;

    public ParameterShape Shape { get; } = shape;

    public string PropertyName { get; } = Naming.ToPascalCase(symbol.Name);

    public string JsonName { get; } = Naming.ToSnakeCase(symbol.Name);

    /// <summary>The kind base of a component or component-array parameter.</summary>
    public INamedTypeSymbol? KindBase => Shape switch
    {
        ParameterShape.Component => Symbol.Type as INamedTypeSymbol,
        ParameterShape.ComponentArray => ((IArrayTypeSymbol)Symbol.Type).ElementType as INamedTypeSymbol,
        _ => null,
    };
}

/// <summary>What a derived component inherits from the base component whose config its constructor takes.</summary>
internal sealed record BaseInspection(
    IParameterSymbol ConfigParameter,
    string ConfigTypeName,
    string ConfigDisplayName,
    string RegistryName,
    ImmutableArray<InheritedMemberModel> Members,
    bool SetsRequiredMembers,
    bool IsValid);

/// <summary>
/// The symbol-level facts about one [RegisterModel] class. It never enters the incremental
/// pipeline (it holds symbols); the parser turns a valid one into a <see cref="ComponentModel"/>.
/// </summary>
internal sealed class ComponentInspection
{
    public required INamedTypeSymbol Type { get; init; }

    public required AttributeData Registration { get; init; }

    public required string RegistryName { get; init; }

    public required bool HasExplicitName { get; init; }

    public required ImmutableArray<string?> Aliases { get; init; }

    public required bool Override { get; init; }

    public required bool IsNested { get; init; }

    public required bool IsGeneric { get; init; }

    public required bool IsAbstract { get; init; }

    public required bool IsSealed { get; init; }

    public required bool IsPartial { get; init; }

    public required INamedTypeSymbol? KindBase { get; init; }

    public required IMethodSymbol? Constructor { get; init; }

    public required int PublicConstructorCount { get; init; }

    /// <summary>Set for a derived component (its constructor takes its base component's config).</summary>
    public required BaseInspection? Base { get; init; }

    /// <summary>The own parameters, without the base config parameter.</summary>
    public required ImmutableArray<ComponentParameter> Parameters { get; init; }

    /// <summary>Parameters mapping to a reserved name, with that name (ICG014).</summary>
    public required ImmutableArray<(ComponentParameter Parameter, string Name)> ReservedNames { get; init; }

    /// <summary>Parameters mapping to the name of an earlier or inherited member (ICG016).</summary>
    public required ImmutableArray<(string First, ComponentParameter Second)> NameClashes { get; init; }

    /// <summary>Each [ParameterDefault] with the inherited member it names; null when it names none (ICG012).</summary>
    public required ImmutableArray<(AttributeData Attribute, InheritedMemberModel? Member)> DefaultOverrides { get; init; }

    /// <summary>Non-sealed components get a generated constructor, so they must be partial (ICG001).</summary>
    public bool MustBePartial => !IsSealed && !IsPartial && !IsNested && !IsAbstract && !IsGeneric;

    /// <summary>The registry name and every alias that are not valid names (ICG011).</summary>
    public bool HasInvalidName => !Naming.IsValidRegistryName(RegistryName) || Aliases.Any(alias => !Naming.IsValidRegistryName(alias));

    /// <summary>
    /// Whether the derived config's constructor sets every required member: the base's does, or
    /// this component overrides the default of every required inherited member and adds none.
    /// </summary>
    public bool SetsRequiredMembers =>
        Base is not null
        && (Base.SetsRequiredMembers
            || (DefaultOverrides.Any(item => item.Member is not null)
                && !Parameters.Any(parameter => !parameter.Symbol.HasExplicitDefaultValue)
                && Base.Members.Where(member => member.Required).All(member => DefaultOverrides.Any(item => item.Member?.PropertyName == member.PropertyName))));

    /// <summary>Whether the generator can write this component's config (no analyzer error applies).</summary>
    public bool CanGenerate =>
        !IsNested && !IsGeneric && !IsAbstract && !MustBePartial && !HasInvalidName
        && KindBase is not null
        && Constructor is not null
        && (Base?.IsValid ?? true)
        && Parameters.All(parameter => parameter.Shape != ParameterShape.Unsupported)
        && ReservedNames.IsEmpty
        && NameClashes.IsEmpty
        && DefaultOverrides.All(item => item.Member is not null);
}
