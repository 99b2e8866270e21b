using Microsoft.CodeAnalysis;

namespace ImageClassifier.Generators;

/// <summary>
/// Every diagnostic the analyzers report. Ids are stable and never reused; docs/diagnostics.md
/// lists them. Messages say what is wrong and how to fix it.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "ImageClassifier.Registration";

    public static DiagnosticDescriptor ComponentMustBePartial { get; } = Error(
        "ICG001",
        "Component class must be partial",
        "Component '{0}' must be declared partial (or sealed): the generator adds to it a protected constructor that takes '{0}Config', which components derived from it call");

    public static DiagnosticDescriptor ComponentIsAbstract { get; } = Error(
        "ICG002",
        "Component class is abstract",
        "Component '{0}' is abstract and cannot be built; remove [RegisterModel] or make the class concrete");

    public static DiagnosticDescriptor ComponentIsGeneric { get; } = Error(
        "ICG003",
        "Component class is generic",
        "Component '{0}' is generic; a config cannot choose type arguments, so register a non-generic class (derive one that closes the type parameters)");

    public static DiagnosticDescriptor NotDerivedFromComponentBase { get; } = Error(
        "ICG004",
        "Component does not derive from a component base",
        "Component '{0}' does not derive from a component base; derive it from Backbone, Neck, Head, Loss or another class marked [ComponentKind]");

    public static DiagnosticDescriptor NoUsableConstructor { get; } = Error(
        "ICG005",
        "Component has no usable public constructor",
        "Component '{0}' has no public constructor; its public constructor's parameters are its config, so declare one");

    public static DiagnosticDescriptor AmbiguousConstructor { get; } = Error(
        "ICG006",
        "Component has several public constructors and none is marked",
        "Component '{0}' has {1} public constructors; mark the one whose parameters form the config with [ComponentConstructor]");

    public static DiagnosticDescriptor UnsupportedParameterType { get; } = Error(
        "ICG007",
        "Unsupported parameter type",
        "Parameter '{0}' of component '{1}' has type '{2}', which a config cannot hold; use bool, an integer or floating-point type, string, an enum, a nullable or array of these, a component base (Backbone, Loss, ...), a component config type or a class with its own [JsonConverter]");

    public static DiagnosticDescriptor DuplicateRegistryName { get; } = Error(
        "ICG008",
        "Duplicate registry name",
        "The {0} name '{1}' is registered by both '{2}' and '{3}' in this assembly; give one of them another name with [RegisterModel(\"...\")]");

    public static DiagnosticDescriptor ConstantOutsideConstraint { get; } = Error(
        "ICG009",
        "Constant outside the declared constraint",
        "'{0}' must be {1}, but this sets it to {2}; use a value the constraint allows");

    public static DiagnosticDescriptor ComponentIsNested { get; } = Error(
        "ICG010",
        "Component class is nested",
        "Component '{0}' is declared inside another type; declare it at namespace level so that its config class '{0}Config' can stand beside it");

    public static DiagnosticDescriptor InvalidRegistryName { get; } = Error(
        "ICG011",
        "Invalid registry name",
        "'{0}' is not a valid registry name; use letters, digits, '_', '-' and '.', starting with a letter");

    public static DiagnosticDescriptor UnknownParameterDefault { get; } = Error(
        "ICG012",
        "Default override names no inherited parameter",
        "[ParameterDefault] on '{0}' names '{1}', which is not a member of the inherited config '{2}'; use nameof({2}.Member)");

    public static DiagnosticDescriptor DefaultOutsideConstraint { get; } = Error(
        "ICG013",
        "Parameter default outside its own constraint",
        "The default of '{0}' must be {1}, but it is {2}; change the default or the constraint");

    public static DiagnosticDescriptor ReservedParameterName { get; } = Error(
        "ICG014",
        "Reserved parameter name",
        "Parameter '{0}' of component '{1}' maps to the reserved config name '{2}'; rename the parameter");

    public static DiagnosticDescriptor ConstraintNotApplicable { get; } = Error(
        "ICG015",
        "Constraint does not apply to the member's type",
        "[{0}] cannot constrain '{1}' of type '{2}'; {3}");

    public static DiagnosticDescriptor DuplicateJsonName { get; } = Error(
        "ICG016",
        "Two parameters share a config name",
        "Parameters '{0}' and '{1}' of component '{2}' both map to the config name '{3}'; rename one of them");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: $"docs/diagnostics.md#{id.ToLowerInvariant()}");

    private const string ConfigCategory = "ImageClassifier.Configuration";

    // ICG017..ICG019 and ICG021 carry the words the host's loader and binder give after
    // "file:line:col: " (the shared reader and src/Shared/Text/ConfigMessages.cs), so the IDE and
    // icls say the same; ICG018 adds why a build cannot be sure.

    public static DiagnosticDescriptor InvalidConfigJson { get; } = ConfigRule(
        "ICG017",
        "Config file is not valid JSON",
        "The config file is not valid JSON: {0}",
        DiagnosticSeverity.Error);

    public static DiagnosticDescriptor UnknownComponentType { get; } = ConfigRule(
        "ICG018",
        "Unknown component type",
        "{0} (a plugin loaded at run time may still register it)",
        DiagnosticSeverity.Warning);

    public static DiagnosticDescriptor UnknownConfigMember { get; } = ConfigRule(
        "ICG019",
        "Unknown config member",
        "{0}",
        DiagnosticSeverity.Error);

    public static DiagnosticDescriptor ConfigValueOutsideConstraint { get; } = ConfigRule(
        "ICG020",
        "Config value outside the declared constraint",
        "{0}",
        DiagnosticSeverity.Error);

    public static DiagnosticDescriptor ConfigValueOfWrongKind { get; } = ConfigRule(
        "ICG021",
        "Config value of the wrong kind",
        "{0}",
        DiagnosticSeverity.Error);

    private const string ReliabilityCategory = "ImageClassifier.Reliability";

    public static DiagnosticDescriptor TemporaryScalar { get; } = new(
        "ICG022",
        "Temporary native scalar left to the finalizer",
        "{0}; a garbage collection can free it while libtorch still reads it (a random crash or a wrong number in a long run): {1}",
        ReliabilityCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "docs/diagnostics.md#icg022");

    private static DiagnosticDescriptor ConfigRule(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, ConfigCategory, severity, isEnabledByDefault: true,
            helpLinkUri: $"docs/diagnostics.md#{id.ToLowerInvariant()}");
}
