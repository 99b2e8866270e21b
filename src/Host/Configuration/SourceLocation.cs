using ImageClassifier.Shared.Json;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// Where a config value, member name or error comes from: a file path (as the user named it, or
/// resolved from a <c>_base_</c> entry) with a 1-based line and column, or one
/// <c>--cfg-options</c> argument with a 1-based column inside it.
/// </summary>
/// <remarks>
/// Columns count Unicode scalar values (a character outside the BMP is one column, a tab is one
/// column); CRLF, LF and a lone CR each end a line. Line 0 means "the file as a whole" (used when
/// the file cannot be opened at all).
/// </remarks>
/// <param name="Path">The file path, or <c>--cfg-options argument N</c> for a command-line override.</param>
/// <param name="Line">1-based line; 0 when the location is the whole file.</param>
/// <param name="Column">1-based column; 0 when the location is the whole file.</param>
/// <param name="IsCommandLine">True when <paramref name="Path"/> names a <c>--cfg-options</c> argument.</param>
public readonly record struct SourceLocation(string Path, int Line, int Column, bool IsCommandLine = false)
{
    /// <summary>The location of a whole file, for errors that have no position inside it.</summary>
    public static SourceLocation WholeFile(string path) => new(path, 0, 0);

    /// <summary>A column inside the <paramref name="argumentNumber"/>-th (1-based) <c>--cfg-options</c> argument.</summary>
    public static SourceLocation CommandLine(int argumentNumber, int column) =>
        new(CommandLineSource(argumentNumber), 1, column, IsCommandLine: true);

    /// <summary>The <see cref="Path"/> used for the <paramref name="argumentNumber"/>-th <c>--cfg-options</c> argument.</summary>
    public static string CommandLineSource(int argumentNumber) => $"--cfg-options argument {argumentNumber}";

    /// <summary><c>path:line:column</c>, <c>path</c> for a whole file, or <c>--cfg-options argument N, column C</c>.</summary>
    public override string ToString() => JsonSource.Format(Path, Line, Column, IsCommandLine);
}
