using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>
/// A component needs one constructor whose parameters form its config: a public one (ICG005), and
/// when there are several, exactly one marked [ComponentConstructor] (ICG006). At the class name.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConstructorAnalyzer : DiagnosticAnalyzer
{
    public const string NoConstructorDiagnosticId = "ICG005";
    public const string AmbiguousConstructorDiagnosticId = "ICG006";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.NoUsableConstructor, DiagnosticDescriptors.AmbiguousConstructor];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(ComponentAnalysis.ForEachComponent(Analyze), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext symbolContext, ComponentInspection component)
    {
        if (component.Constructor is not null || component.IsAbstract)
        {
            return;
        }

        var location = ComponentAnalysis.ClassIdentifier(component.Type, component.Registration, symbolContext.CancellationToken);
        symbolContext.ReportDiagnostic(component.PublicConstructorCount == 0
            ? Diagnostic.Create(DiagnosticDescriptors.NoUsableConstructor, location, component.Type.Name)
            : Diagnostic.Create(DiagnosticDescriptors.AmbiguousConstructor, location, component.Type.Name, component.PublicConstructorCount));
    }
}
