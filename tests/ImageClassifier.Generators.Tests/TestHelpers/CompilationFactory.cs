using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Tests.TestHelpers;

/// <summary>
/// Builds in-memory C# compilations the way a component author's project compiles: against the
/// running .NET runtime's assemblies, ImageClassifier.Abstractions and TorchSharp, nullable on,
/// documentation comments parsed (so XML docs reach the generator).
/// </summary>
public static class CompilationFactory
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest, DocumentationMode.Parse);

    /// <summary>A compilation of <paramref name="sources"/> as a class library named <paramref name="assemblyName"/>.</summary>
    public static CSharpCompilation Create(IEnumerable<string> sources, string assemblyName = "TestComponents", IEnumerable<MetadataReference>? extraReferences = null)
    {
        var trees = sources.Select((source, index) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{index}.cs"));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            References.Value.AddRange(extraReferences ?? []),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999));
    }

    /// <summary>A compilation of one source file.</summary>
    public static CSharpCompilation Create(string source, string assemblyName = "TestComponents") => Create([source], assemblyName);

    /// <summary>Runs <paramref name="analyzers"/> over <paramref name="compilation"/> and returns their diagnostics only.</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation, params DiagnosticAnalyzer[] analyzers)
    {
        var withAnalyzers = compilation.WithAnalyzers([.. analyzers]);
        return withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll");
        var ours = new[] { typeof(ImageClassifier.Backbone).Assembly.Location, typeof(TorchSharp.torch).Assembly.Location };
        return [.. platform.Concat(ours).Distinct().Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }
}
