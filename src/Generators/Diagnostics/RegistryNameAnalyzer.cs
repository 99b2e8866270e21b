using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>
/// Registry names and aliases must be valid (ICG011) and unique within a kind in the compilation
/// (ICG008, reported at the later declaration in source order). Both at the name's declaration.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RegistryNameAnalyzer : DiagnosticAnalyzer
{
    public const string DuplicateDiagnosticId = "ICG008";
    public const string InvalidDiagnosticId = "ICG011";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.DuplicateRegistryName, DiagnosticDescriptors.InvalidRegistryName];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Every registration of the compilation, collected once and shared by the per-class
            // checks, so that duplicates are found without a compilation-end action (which IDEs
            // run only on full analysis).
            var registrations = new System.Lazy<ImmutableArray<Registration>>(() => Collect(start.Compilation, start.CancellationToken));
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, registrations.Value), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, ImmutableArray<Registration> all)
    {
        if (context.Symbol is not INamedTypeSymbol type || ComponentSymbols.GetRegistration(type) is not { } attribute)
        {
            return;
        }

        var component = ComponentSymbols.Inspect(type, attribute, context.CancellationToken);
        foreach (var (name, aliasIndex) in Names(component))
        {
            if (!Naming.IsValidRegistryName(name))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidRegistryName,
                    ComponentAnalysis.RegistryName(component, aliasIndex, context.CancellationToken),
                    name ?? "null"));
            }
        }

        foreach (var mine in all.Where(registration => SymbolEqualityComparer.Default.Equals(registration.Type, type)))
        {
            var earlier = all.FirstOrDefault(other => other.KindKey == mine.KindKey && other.Name == mine.Name && Compare(other, mine) < 0);
            if (earlier is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateRegistryName,
                    mine.Location,
                    mine.KindName,
                    mine.Name,
                    earlier.Type.Name,
                    type.Name));
            }
        }
    }

    private static IEnumerable<(string? Name, int AliasIndex)> Names(ComponentInspection component) =>
        new[] { ((string?)component.RegistryName, -1) }.Concat(component.Aliases.Select((alias, index) => (alias, index)));

    private static ImmutableArray<Registration> Collect(Compilation compilation, CancellationToken cancellationToken)
    {
        var registrations = ImmutableArray.CreateBuilder<Registration>();
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(compilation.Assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var container = pending.Pop();
            if (container is INamespaceSymbol ns)
            {
                foreach (var member in ns.GetMembers())
                {
                    pending.Push(member);
                }

                continue;
            }

            var type = (INamedTypeSymbol)container;
            foreach (var nested in type.GetTypeMembers())
            {
                pending.Push(nested);
            }

            if (ComponentSymbols.GetRegistration(type) is not { } attribute || ComponentSymbols.FindKindBase(type) is not { } kindBase)
            {
                continue;
            }

            var component = ComponentSymbols.Inspect(type, attribute, cancellationToken);
            foreach (var (name, aliasIndex) in Names(component))
            {
                if (Naming.IsValidRegistryName(name))
                {
                    var location = ComponentAnalysis.RegistryName(component, aliasIndex, cancellationToken);
                    registrations.Add(new Registration(type, kindBase.ToDisplayString(), ComponentSymbols.KindName(kindBase), name!, location));
                }
            }
        }

        return registrations.ToImmutable();
    }

    private static int Compare(Registration left, Registration right)
    {
        var byFile = string.CompareOrdinal(left.Location.SourceTree?.FilePath, right.Location.SourceTree?.FilePath);
        return byFile != 0 ? byFile : left.Location.SourceSpan.Start.CompareTo(right.Location.SourceSpan.Start);
    }

    private sealed record Registration(INamedTypeSymbol Type, string KindKey, string KindName, string Name, Location Location);
}
