using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>
/// Config member names must be free: not reserved by configs themselves (ICG014) and not taken
/// by another parameter or an inherited member (ICG016). At the offending parameter.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ParameterNameAnalyzer : DiagnosticAnalyzer
{
    public const string ReservedNameDiagnosticId = "ICG014";
    public const string DuplicateNameDiagnosticId = "ICG016";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.ReservedParameterName, DiagnosticDescriptors.DuplicateJsonName];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(ComponentAnalysis.ForEachComponent(Analyze), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext symbolContext, ComponentInspection component)
    {
        foreach (var (parameter, name) in component.ReservedNames)
        {
            symbolContext.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ReservedParameterName,
                ComponentAnalysis.Parameter(parameter.Symbol),
                parameter.Symbol.Name,
                component.Type.Name,
                name));
        }

        foreach (var (first, second) in component.NameClashes)
        {
            symbolContext.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DuplicateJsonName,
                ComponentAnalysis.Parameter(second.Symbol),
                first,
                second.Symbol.Name,
                component.Type.Name,
                second.JsonName));
        }
    }
}
