namespace ImageClassifier.Engine.Logging;

/// <summary>
/// Encodes TensorFlow's <c>Event</c> messages (tensorflow/core/util/event.proto) as TensorBoard
/// reads them: the file-version event that opens a file, and scalar summaries. As in proto3, a
/// field at its default (a zero wall time or step, an empty tag) is left out, except the members
/// of a oneof (<c>file_version</c>, <c>summary</c>, <c>simple_value</c>), which are always written.
/// </summary>
public static class TensorBoardEvent
{
    /// <summary>The file version TensorBoard expects in the first event of a file.</summary>
    public const string FileVersion = "brain.Event:2";

    // Event
    private const int WallTimeField = 1;
    private const int StepField = 2;
    private const int FileVersionField = 3;
    private const int SummaryField = 5;

    // Summary, Summary.Value
    private const int SummaryValueField = 1;
    private const int TagField = 1;
    private const int SimpleValueField = 2;

    /// <summary>The event holding <paramref name="version"/>, at <paramref name="wallTime"/> (Unix seconds).</summary>
    public static byte[] EncodeFileVersion(double wallTime, string version = FileVersion)
    {
        ArgumentNullException.ThrowIfNull(version);
        var message = Header(wallTime, step: 0);
        message.WriteString(FileVersionField, version);
        return message.ToArray();
    }

    /// <summary>An event holding one scalar summary, <paramref name="tag"/> = <paramref name="value"/> at <paramref name="step"/>.</summary>
    public static byte[] EncodeScalar(double wallTime, long step, string tag, float value)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var summaryValue = new ProtobufWriter();
        if (tag.Length > 0)
        {
            summaryValue.WriteString(TagField, tag);
        }

        summaryValue.WriteFloat(SimpleValueField, value);
        var summary = new ProtobufWriter();
        summary.WriteBytes(SummaryValueField, summaryValue.ToArray());
        var message = Header(wallTime, step);
        message.WriteBytes(SummaryField, summary.ToArray());
        return message.ToArray();
    }

    private static ProtobufWriter Header(double wallTime, long step)
    {
        var message = new ProtobufWriter();
        // protobuf compares a double's bits with zero's, not its value: -0.0 is written.
        if (BitConverter.DoubleToInt64Bits(wallTime) != 0)
        {
            message.WriteDouble(WallTimeField, wallTime);
        }

        if (step != 0)
        {
            message.WriteInt64(StepField, step);
        }

        return message;
    }
}
