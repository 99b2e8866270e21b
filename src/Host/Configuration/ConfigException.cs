namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// The one error type of the config layer: a syntax error, a merge error, a bad
/// <c>--cfg-options</c> argument or (raised by the typed binding) a value that does not fit.
/// </summary>
/// <remarks>
/// The message reads <c>file:line:col: $.json.path: what is wrong</c>, for example
/// <c>configs/a.json:12:7: $.model.backbone: cannot merge an object into a number (set in
/// configs/base.json:4:3); ...</c>. When no JSON path applies (the file cannot be read, is too
/// large or is not UTF-8) the path part is left out.
/// </remarks>
public sealed class ConfigException : Exception
{
    /// <summary>Creates an error at <paramref name="location"/>.</summary>
    /// <param name="location">Where the problem is.</param>
    /// <param name="jsonPath">The JSON path of the value concerned (<c>$.model.backbone.depth</c>), or null.</param>
    /// <param name="detail">What is wrong and, where possible, how to fix it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ConfigException(SourceLocation location, string? jsonPath, string detail, Exception? innerException = null)
        : base(Format(location, jsonPath, detail), innerException)
    {
        Location = location;
        JsonPath = jsonPath;
        Detail = detail;
    }

    /// <summary>Where the problem is (file or <c>--cfg-options</c> argument, line, column).</summary>
    public SourceLocation Location { get; }

    /// <summary>The JSON path of the value concerned, such as <c>$.model.backbone.depth</c>; null when none applies.</summary>
    public string? JsonPath { get; }

    /// <summary>The message without its location and path prefix.</summary>
    public string Detail { get; }

    private static string Format(SourceLocation location, string? jsonPath, string detail) =>
        jsonPath is null ? $"{location}: {detail}" : $"{location}: {jsonPath}: {detail}";
}
