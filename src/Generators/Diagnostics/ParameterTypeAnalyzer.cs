using System.Collections.Immutable;
using ImageClassifier.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>Every constructor parameter must have a type a config can hold (ICG007, at the parameter).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ParameterTypeAnalyzer : DiagnosticAnalyzer
{
    public const string DiagnosticId = "ICG007";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.UnsupportedParameterType];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(ComponentAnalysis.ForEachComponent(Analyze), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext symbolContext, ComponentInspection component)
    {
        foreach (var parameter in component.Parameters)
        {
            if (parameter.Shape == ParameterShape.Unsupported)
            {
                var type = parameter.Symbol.RefKind == RefKind.None
                    ? ComponentSymbols.ReadableName(parameter.Symbol.Type)
                    : $"{parameter.Symbol.RefKind.ToString().ToLowerInvariant()} {ComponentSymbols.ReadableName(parameter.Symbol.Type)}";
                symbolContext.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UnsupportedParameterType,
                    ComponentAnalysis.Parameter(parameter.Symbol),
                    parameter.Symbol.Name,
                    component.Type.Name,
                    type));
            }
        }
    }
}
