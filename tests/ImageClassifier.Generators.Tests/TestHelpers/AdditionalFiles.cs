using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ImageClassifier.Generators.Tests.TestHelpers;

/// <summary>A file a project lists as <c>&lt;AdditionalFiles&gt;</c>, held in memory.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    /// <inheritdoc />
    public override string Path { get; } = path;

    /// <inheritdoc />
    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Runs analyzers over a compilation together with additional files, as a build does.</summary>
public static class AdditionalFiles
{
    /// <summary>
    /// The diagnostics <paramref name="analyzers"/> report on <paramref name="compilation"/> with
    /// <paramref name="files"/> (path and text) as its additional files; fails the test when an
    /// analyzer throws, which the compiler would only turn into an AD0001 warning.
    /// </summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation, IEnumerable<(string Path, string Text)> files, params DiagnosticAnalyzer[] analyzers)
    {
        var failures = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([.. files.Select(file => (AdditionalText)new InMemoryAdditionalText(file.Path, file.Text))]),
            onAnalyzerException: (exception, _, _) => failures.Enqueue(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = new CompilationWithAnalyzers(compilation, [.. analyzers], options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.True(failures.IsEmpty, "An analyzer threw:\n" + string.Join("\n", failures));
        return diagnostics;
    }

    /// <summary>As <see cref="Analyze(Compilation, IEnumerable{ValueTuple{string, string}}, DiagnosticAnalyzer[])"/>, for one file.</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation, string path, string text, params DiagnosticAnalyzer[] analyzers) =>
        Analyze(compilation, [(path, text)], analyzers);
}
