using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ImageClassifier.Generators.Tests.TestHelpers;

/// <summary>
/// Analyzer test sources mark the expected diagnostic span with <c>[|</c> and <c>|]</c>; the marks
/// are removed before compiling.
/// </summary>
public static class MarkedSource
{
    public static (string Source, TextSpan Span) Parse(string marked)
    {
        var start = marked.IndexOf("[|", StringComparison.Ordinal);
        var end = marked.IndexOf("|]", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "The source marks no span.");
        var source = marked.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }

    /// <summary>
    /// Asserts that <paramref name="analyzer"/> reports exactly one <paramref name="id"/> on the
    /// marked source, at the marked span (so line and column), and returns it.
    /// </summary>
    public static Diagnostic AssertSingle(string id, string marked, DiagnosticAnalyzer analyzer)
    {
        var (source, span) = Parse(marked);
        var diagnostics = GeneratorHarness.Analyze(source, analyzer);
        var diagnostic = Assert.Single(diagnostics, candidate => candidate.Id == id);
        Assert.Equal("Source0.cs", diagnostic.Location.SourceTree?.FilePath);
        var expected = SourceText.From(source).Lines.GetLinePositionSpan(span);
        Assert.Equal(expected, diagnostic.Location.GetLineSpan().Span);
        return diagnostic;
    }

    /// <summary>Asserts that <paramref name="analyzer"/> reports nothing on <paramref name="source"/>.</summary>
    public static void AssertNone(string source, DiagnosticAnalyzer analyzer) =>
        Assert.Empty(GeneratorHarness.Analyze(source, analyzer));
}
