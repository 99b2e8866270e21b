namespace ImageClassifier.Shared.Json;

/// <summary>
/// Where config JSON text comes from, as messages name it: a file (by the path the user or the
/// build gave) or one <c>--cfg-options</c> argument, whose columns start where its value starts.
/// </summary>
internal sealed class JsonSource(string name, bool isCommandLine = false, int firstColumn = 1)
{
    /// <summary>The file path, or <c>--cfg-options argument N</c>.</summary>
    public string Name { get; } = name;

    public bool IsCommandLine { get; } = isCommandLine;

    /// <summary>The column of the text's first character.</summary>
    public int FirstColumn { get; } = firstColumn;

    /// <summary>"the end of the file" or "the end of the argument".</summary>
    public string End => IsCommandLine ? "the end of the argument" : "the end of the file";

    /// <summary>How a message names another place in the same text: <c>path:3:7</c>, or <c>--cfg-options argument 2, column 9</c>.</summary>
    public string Place(JsonPosition position) => Format(Name, position.Line, position.Column, IsCommandLine);

    /// <summary>How a message names the place of a bracket in the same text: <c>3:7</c>, or <c>column 9</c> in an argument.</summary>
    public string BracketPlace(JsonPosition position) =>
        IsCommandLine ? $"column {position.Column}" : $"{position.Line}:{position.Column}";

    /// <summary>
    /// <c>path:line:column</c>, <c>path</c> for a whole file (line 0), or for an argument
    /// <c>--cfg-options argument N, column C</c> (with the line when the value spans several).
    /// </summary>
    public static string Format(string name, int line, int column, bool isCommandLine)
    {
        if (isCommandLine)
        {
            return line <= 1 ? $"{name}, column {column}" : $"{name}, line {line}, column {column}";
        }

        return line == 0 ? name : $"{name}:{line}:{column}";
    }
}
