using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>A component must derive from a kind base, a class marked [ComponentKind] (ICG004, at the class name).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ComponentBaseAnalyzer : DiagnosticAnalyzer
{
    public const string DiagnosticId = "ICG004";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.NotDerivedFromComponentBase];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(ComponentAnalysis.ForEachComponent(Analyze), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext symbolContext, ComponentInspection component)
    {
        if (component.KindBase is null)
        {
            symbolContext.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.NotDerivedFromComponentBase,
                ComponentAnalysis.ClassIdentifier(component.Type, component.Registration, symbolContext.CancellationToken),
                component.Type.Name));
        }
    }
}
