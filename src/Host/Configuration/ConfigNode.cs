using ImageClassifier.Shared.Text;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// One immutable value of a config tree, with the place it was written. After <c>_base_</c>
/// merging and <c>--cfg-options</c>, each node still carries the location of the file (or
/// argument) that set it.
/// </summary>
public abstract class ConfigNode
{
    private protected ConfigNode(SourceLocation location) => Location = location;

    /// <summary>Where the value starts (its first character).</summary>
    public SourceLocation Location { get; }

    /// <summary>The JSON kind of this value.</summary>
    public abstract ConfigNodeKind Kind { get; }

    /// <summary>This value as JSON (see <see cref="ConfigDocument.ToJsonString"/> for the format).</summary>
    public string ToJsonString(bool indented = true) => ConfigJsonWriter.Write(this, indented, annotate: false);

    /// <summary>The kind with its article, for messages: "an object", "a number", "null".</summary>
    public string KindDescription => Describe(Kind);

    /// <summary>The kind with its article, for messages: "an object", "a number", "null".</summary>
    public static string Describe(ConfigNodeKind kind) => kind switch
    {
        ConfigNodeKind.Object => ConfigMessages.KindObject,
        ConfigNodeKind.Array => ConfigMessages.KindArray,
        ConfigNodeKind.String => ConfigMessages.KindString,
        ConfigNodeKind.Number => ConfigMessages.KindNumber,
        ConfigNodeKind.Boolean => ConfigMessages.KindBoolean,
        _ => ConfigMessages.KindNull,
    };
}
