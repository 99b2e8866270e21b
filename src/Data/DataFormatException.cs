namespace ImageClassifier.Data;

/// <summary>
/// A data file that cannot be read as what it claims to be: truncated, corrupt, or of the wrong
/// format. The message names the file and, where the problem has one, the byte offset.
/// </summary>
public sealed class DataFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>; <paramref name="offset"/> is where the problem was found, if anywhere in particular.</summary>
    public DataFormatException(string path, long? offset, string problem, Exception? innerException = null)
        : base(Compose(path, offset, problem), innerException)
    {
        Path = path;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The byte offset in the (decompressed) file where the problem was found, or null.</summary>
    public long? Offset { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }

    private static string Compose(string path, long? offset, string problem) =>
        offset is { } at ? $"'{path}' at byte {at}: {problem}" : $"'{path}': {problem}";
}
