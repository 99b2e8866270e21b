using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>
/// How a component class must be declared: partial unless sealed (ICG001), concrete (ICG002),
/// non-generic (ICG003) and at namespace level (ICG010). Each is reported at the class name.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ComponentDeclarationAnalyzer : DiagnosticAnalyzer
{
    public const string NotPartialDiagnosticId = "ICG001";
    public const string AbstractDiagnosticId = "ICG002";
    public const string GenericDiagnosticId = "ICG003";
    public const string NestedDiagnosticId = "ICG010";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.ComponentMustBePartial,
        DiagnosticDescriptors.ComponentIsAbstract,
        DiagnosticDescriptors.ComponentIsGeneric,
        DiagnosticDescriptors.ComponentIsNested,
    ];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(ComponentAnalysis.ForEachComponent(Analyze), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext symbolContext, ComponentInspection component)
    {
        var location = ComponentAnalysis.ClassIdentifier(component.Type, component.Registration, symbolContext.CancellationToken);
        var name = component.Type.Name;
        if (component.MustBePartial)
        {
            symbolContext.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ComponentMustBePartial, location, name));
        }

        if (component.IsAbstract)
        {
            symbolContext.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ComponentIsAbstract, location, name));
        }

        if (component.IsGeneric)
        {
            symbolContext.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ComponentIsGeneric, location, name));
        }

        if (component.IsNested)
        {
            symbolContext.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ComponentIsNested, location, name));
        }
    }
}
