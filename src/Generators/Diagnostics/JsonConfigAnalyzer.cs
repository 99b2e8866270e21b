using System.Collections.Immutable;
using ImageClassifier.Generators.Json;
using ImageClassifier.Shared.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>
/// Checks the JSON config files a project lists as additional files
/// (<c>&lt;AdditionalFiles Include="configs/**/*.json" /&gt;</c>) against the components the
/// compilation can see, its own and those of referenced component libraries:
/// ICG017 a syntax error, ICG018 a "type" that names no known component (a warning: a plugin
/// loaded at run time may register it), ICG019 a member the component's config lacks (or a
/// misplaced <c>_base_</c> / <c>_delete_</c>), ICG020 a constant outside the member's
/// <c>[OneOf]</c> / <c>[ValueRange]</c>, ICG021 a value of the wrong JSON kind (or a top level that
/// is no object). Each file is checked on its own; its <c>_base_</c> files are not merged in.
/// Messages read as the host's loader and binder give them after <c>file:line:col: </c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class JsonConfigAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.InvalidConfigJson,
        DiagnosticDescriptors.UnknownComponentType,
        DiagnosticDescriptors.UnknownConfigMember,
        DiagnosticDescriptors.ConfigValueOutsideConstraint,
        DiagnosticDescriptors.ConfigValueOfWrongKind,
    ];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Read once per compilation, and only when there is a JSON file to check.
            var components = new Lazy<KnownComponents>(() => KnownComponents.Collect(start.Compilation, start.CancellationToken));
            var constraints = new ConstraintRules.ConstraintCache();
            start.RegisterAdditionalFileAction(file => Analyze(file, components, constraints));
        });
    }

    private static void Analyze(AdditionalFileAnalysisContext context, Lazy<KnownComponents> components, ConstraintRules.ConstraintCache constraints)
    {
        var path = context.AdditionalFile.Path;
        if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || context.AdditionalFile.GetText(context.CancellationToken) is not { } text)
        {
            return;
        }

        void Report(DiagnosticDescriptor rule, TextSpan span, params object[] arguments) =>
            context.ReportDiagnostic(Diagnostic.Create(rule, Location.Create(path, span, text.Lines.GetLinePositionSpan(span)), arguments));

        JsonValue root;
        try
        {
            // The host's loader reads the file with the same reader and limit, so the same
            // mistake gets the same message at the same place.
            root = JsonSyntaxReader<JsonValue, JsonMember>.Read(text.ToString(), new JsonSource(path), JsonLimits.DefaultMaxDepth, JsonValueBuilder.Instance, context.CancellationToken);
        }
        catch (JsonSyntaxException error)
        {
            Report(DiagnosticDescriptors.InvalidConfigJson, new TextSpan(error.Position.Offset, error.Length), error.PathAndDetail);
            return;
        }

        new JsonConfigChecker(components.Value, constraints, Report).CheckFile(root);
    }
}
