using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageClassifier.Generators.Tests.TestHelpers;

/// <summary>
/// The seed examples (<c>SeedExamples/*.cs</c>) compiled as a plugin author's project compiles them:
/// with the SDK's implicit usings and the generator, then emitted and loaded into their own
/// load context (TorchSharp and Abstractions come from the default one, as in the host).
/// </summary>
public static class SeedCompilation
{
    public const string AssemblyName = "SeedExamples";

    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<GeneratorRun> LazyRun = new(() => GeneratorHarness.Run(Create()));
    private static readonly Lazy<Assembly> LazyAssembly = new(Load);

    /// <summary>The generator's run over the seed examples.</summary>
    public static GeneratorRun Run => LazyRun.Value;

    /// <summary>The compiled seed examples, loaded.</summary>
    public static Assembly Assembly => LazyAssembly.Value;

    /// <summary>The seed example sources, file name to text.</summary>
    public static IReadOnlyList<(string Name, string Text)> Sources() =>
        [.. Directory.GetFiles(TestPaths.SeedExamples, "*.cs").Order(StringComparer.Ordinal).Select(path => (Path.GetFileName(path), File.ReadAllText(path)))];

    /// <summary>A fresh compilation of the seed examples, without generated files.</summary>
    public static CSharpCompilation Create(CSharpParseOptions? parseOptions = null, IEnumerable<string>? extraSources = null)
    {
        var options = parseOptions ?? CompilationFactory.ParseOptions;
        var trees = Sources()
            .Select(source => CSharpSyntaxTree.ParseText(source.Text, options, path: source.Name))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, options, path: "GlobalUsings.cs"))
            .Concat((extraSources ?? []).Select((text, index) => CSharpSyntaxTree.ParseText(text, options, path: $"Extra{index}.cs")));
        return CompilationFactory.Create([], AssemblyName).AddSyntaxTrees(trees);
    }

    /// <summary>Emits <paramref name="compilation"/> and loads it into a new load context.</summary>
    public static Assembly Emit(Compilation compilation)
    {
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        image.Position = 0;
        return new AssemblyLoadContext(compilation.AssemblyName + Guid.NewGuid().ToString("N")).LoadFromStream(image);
    }

    private static Assembly Load() => Emit(Run.Output);
}
