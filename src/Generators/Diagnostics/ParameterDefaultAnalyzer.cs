using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>
/// [ParameterDefault] must name a member of the config the component's config inherits (ICG012,
/// at the member argument).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ParameterDefaultAnalyzer : DiagnosticAnalyzer
{
    public const string DiagnosticId = "ICG012";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.UnknownParameterDefault];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(ComponentAnalysis.ForEachComponent(Analyze), SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext symbolContext, ComponentInspection component)
    {
        // Without a usable constructor nothing is inherited yet; ICG005/ICG006 come first.
        if (component.Constructor is null)
        {
            return;
        }

        var inheritedConfig = component.Base?.ConfigDisplayName
            ?? $"ComponentConfig<{component.KindBase?.Name ?? "?"}>";
        foreach (var (attribute, member) in component.DefaultOverrides)
        {
            if (member is null)
            {
                var name = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
                symbolContext.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UnknownParameterDefault,
                    ComponentAnalysis.PositionalArgument(attribute, 0, symbolContext.CancellationToken),
                    component.Type.Name,
                    name ?? "null",
                    inheritedConfig));
            }
        }
    }
}
