using System.Text.Encodings.Web;
using System.Text.Json;

namespace ImageClassifier.Engine.Logging;

/// <summary>
/// The run's JSON-lines log (<c>scalars.jsonl</c> in the work dir, mmengine's <c>scalars.json</c>):
/// one object per line, appended and flushed as it is written, so a resumed run continues the file
/// and a crash loses nothing logged.
/// </summary>
public sealed class ScalarLog : IDisposable
{
    /// <summary>The log's file name in the work dir.</summary>
    public const string FileName = "scalars.jsonl";

    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly StreamWriter writer;

    /// <summary>Opens (appending) <see cref="FileName"/> in <paramref name="workDir"/>.</summary>
    public ScalarLog(string workDir)
    {
        Path = System.IO.Path.Combine(workDir, FileName);
        writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Appends one record.</summary>
    public void Write(IReadOnlyDictionary<string, object?> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        writer.WriteLine(JsonSerializer.Serialize(record, Options));
        writer.Flush();
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}
