using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Tests.TestHelpers;

/// <summary>One run of the registry generator over a compilation.</summary>
public sealed record GeneratorRun(CSharpCompilation Input, Compilation Output, GeneratorRunResult Result)
{
    /// <summary>The generated sources by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; } =
        Result.GeneratedSources.ToDictionary(source => source.HintName, source => source.SourceText.ToString(), StringComparer.Ordinal);

    /// <summary>The generated source with this hint name.</summary>
    public string Source(string hintName) =>
        Sources.TryGetValue(hintName, out var text) ? text : throw new KeyNotFoundException($"No generated source '{hintName}'; got: {string.Join(", ", Sources.Keys)}");
}

/// <summary>
/// Runs <see cref="RegistryGenerator"/> the way the compiler does, and checks in every run that the
/// pipeline is incremental: a second run on a clone with an unrelated file added must find every
/// tracked step Cached or Unchanged, and no step may carry symbols, syntax or locations.
/// </summary>
public static class GeneratorHarness
{
    private const string UnrelatedEdit = "namespace Unrelated { internal static class Edit { public const int Value = 1; } }";

    private static readonly string[] StepNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToArray();

    /// <summary>A driver that tracks steps, parsing generated files with <paramref name="parseOptions"/>.</summary>
    public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null) => CSharpGeneratorDriver.Create(
        [new RegistryGenerator().AsSourceGenerator()],
        parseOptions: parseOptions ?? CompilationFactory.ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator on <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CompilationFactory.Create(sources));

    /// <summary>Runs the generator on <paramref name="compilation"/> and checks its incrementality.</summary>
    public static GeneratorRun Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver((CSharpParseOptions?)compilation.SyntaxTrees.FirstOrDefault()?.Options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        Assert.Empty(driverDiagnostics);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        AssertNoCompilerObjects(result);

        var edited = compilation.Clone().AddSyntaxTrees(CSharpSyntaxTree.ParseText(UnrelatedEdit, CompilationFactory.ParseOptions, path: "Unrelated.cs"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();
        AssertAllCachedOrUnchanged(second);
        return new GeneratorRun(compilation, output, result);
    }

    /// <summary>Runs the generator, then <paramref name="analyzers"/> on the compilation with the generated files, as a build does.</summary>
    public static ImmutableArray<Diagnostic> Analyze(string source, params DiagnosticAnalyzer[] analyzers) =>
        Analyze(CompilationFactory.Create(source), analyzers);

    /// <inheritdoc cref="Analyze(string, DiagnosticAnalyzer[])"/>
    public static ImmutableArray<Diagnostic> Analyze(CSharpCompilation compilation, params DiagnosticAnalyzer[] analyzers) =>
        CompilationFactory.Analyze(Run(compilation).Output, analyzers);

    /// <summary>Every analyzer the generator project ships.</summary>
    public static DiagnosticAnalyzer[] AllAnalyzers() =>
    [
        .. typeof(RegistryGenerator).Assembly.GetTypes()
            .Where(type => typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !type.IsAbstract && type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!),
    ];

    /// <summary>Asserts the compilation has no error and no warning at all.</summary>
    public static void AssertNoDiagnostics(Compilation compilation)
    {
        var problems = compilation.GetDiagnostics().Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "Expected a clean compilation, got:\n" + string.Join("\n", problems));
    }

    /// <summary>Asserts each tracked step of <paramref name="result"/> produced an output of one of <paramref name="reasons"/>.</summary>
    public static void AssertStepReasons(GeneratorRunResult result, string stepName, params IncrementalStepRunReason[] reasons)
    {
        Assert.True(result.TrackedSteps.TryGetValue(stepName, out var steps), $"Step {stepName} did not run.");
        var actual = steps.SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
        Assert.NotEmpty(actual);
        Assert.All(actual, reason => Assert.True(reasons.Contains(reason), $"Step {stepName} was {reason}, expected {string.Join(" or ", reasons)}."));
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (var name in StepNames.Where(result.TrackedSteps.ContainsKey))
        {
            foreach (var (value, reason) in result.TrackedSteps[name].SelectMany(step => step.Outputs))
            {
                Assert.True(
                    reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"Step {name} was {reason} after an unrelated edit: {value}");
            }
        }

        foreach (var (_, reason) in result.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(step => step.Outputs))
        {
            Assert.Equal(IncrementalStepRunReason.Cached, reason);
        }
    }

    private static void AssertNoCompilerObjects(GeneratorRunResult result)
    {
        Assert.True(result.TrackedSteps.ContainsKey(TrackingNames.Provider), "The provider step is not tracked.");
        foreach (var name in StepNames.Where(result.TrackedSteps.ContainsKey))
        {
            foreach (var (value, _) in result.TrackedSteps[name].SelectMany(step => step.Outputs))
            {
                AssertPlainData(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void AssertPlainData(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or SyntaxTree or Location or Compilation or SemanticModel or AttributeData,
            $"{path} holds a {value.GetType().Name}; pipeline models must be plain data.");
        if (!value.GetType().IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var index = 0;
            foreach (var item in items)
            {
                AssertPlainData(item, $"{path}[{index++}]", visited);
            }

            return;
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            AssertPlainData(field.GetValue(value), $"{path}.{field.Name}", visited);
        }
    }
}
