using System.Collections.Immutable;
using System.Linq;
using ImageClassifier.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageClassifier.Generators;

/// <summary>
/// Generates, for each [RegisterModel] class, its typed config class (and, for a non-sealed class,
/// the protected constructor that takes it), and one component provider per assembly. Components
/// that cannot be generated are skipped; the analyzers in <c>Diagnostics/</c> report why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class RegistryGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var components = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ComponentSymbols.RegisterModelAttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: Parser.Parse)
            .WithTrackingName(TrackingNames.Components)
            .SelectMany(static (model, _) => model is null ? ImmutableArray<ComponentModel>.Empty : ImmutableArray.Create(model))
            .WithTrackingName(TrackingNames.ValidComponents);

        context.RegisterSourceOutput(components, static (output, model) =>
        {
            output.AddSource(Emitter.ConfigHintName(model), Emitter.EmitConfig(model));
            if (!model.IsSealed)
            {
                output.AddSource(Emitter.ConstructionHintName(model), Emitter.EmitConstruction(model));
            }
        });

        var configTypes = components
            .Select(static (model, _) => model.Namespace.Length == 0
                ? $"global::{model.ClassName}Config"
                : $"global::{model.Namespace}.{model.ClassName}Config")
            .WithTrackingName(TrackingNames.ConfigTypeNames)
            .Collect()
            .WithTrackingName(TrackingNames.CollectedConfigTypeNames)
            .Select(static (names, _) => names.OrderBy(static name => name, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.ProviderEntries);

        var assemblyName = context.CompilationProvider
            .Select(static (compilation, _) => compilation.AssemblyName ?? "")
            .WithTrackingName(TrackingNames.AssemblyName);

        var provider = configTypes
            .Combine(assemblyName)
            .WithTrackingName(TrackingNames.ProviderInputs)
            .Select(static (pair, _) => new ProviderModel
            {
                ClassName = Naming.ToIdentifier(pair.Right) + "ComponentProvider",
                ConfigTypeNames = pair.Left,
            })
            .WithTrackingName(TrackingNames.Provider);

        context.RegisterSourceOutput(provider, static (output, model) =>
        {
            if (!model.ConfigTypeNames.IsEmpty)
            {
                output.AddSource(Emitter.ProviderHintName, Emitter.EmitProvider(model));
            }
        });
    }
}
