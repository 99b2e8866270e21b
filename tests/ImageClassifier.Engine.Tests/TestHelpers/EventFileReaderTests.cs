using System.Text.Json;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// The event-file tests trust <see cref="EventFileReader"/>; these tie it to bytes that Google's
/// protobuf and crcmod wrote, so a reader that agreed with a wrong writer would fail here.
/// </summary>
public sealed class EventFileReaderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Reads_what_google_protobuf_and_crcmod_wrote()
    {
        // Fixtures/TensorBoard comes from tools/fixtures/make_tensorboard_events.py.
        var fixtures = FixturePaths.Folder("TensorBoard");
        using var inputs = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "scalars.json")));
        var root = inputs.RootElement;
        var scalars = root.GetProperty("scalars").EnumerateArray().ToList();

        var events = EventFileReader.Read(Path.Combine(fixtures, root.GetProperty("file_name").GetString()!));

        Assert.Equal(scalars.Count + 1, events.Count);
        Assert.Equal(root.GetProperty("file_version").GetString(), events[0].FileVersion);
        Assert.Equal(root.GetProperty("file_version_wall_time_us").GetInt64() / 1e6, events[0].WallTime);
        Assert.Empty(events[0].Scalars);
        foreach (var (scalar, read) in scalars.Zip(events.Skip(1)))
        {
            Assert.Null(read.FileVersion);
            Assert.Equal(scalar.GetProperty("wall_time_us").GetInt64() / 1e6, read.WallTime);
            Assert.Equal(scalar.GetProperty("step").GetInt64(), read.Step);
            Assert.Equal([(scalar.GetProperty("tag").GetString()!, (float)scalar.GetProperty("value").GetDouble())], read.Scalars);
        }
    }

    [Fact]
    public void A_record_with_a_wrong_checksum_is_refused()
    {
        var fixtures = FixturePaths.Folder("TensorBoard");
        var bytes = File.ReadAllBytes(Path.Combine(fixtures, "events.out.tfevents.1700000000.fixture-host"));
        var path = folder.Combine("events.out.tfevents.damaged");
        // The last byte is the last record's data CRC.
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => EventFileReader.Read(path));

        Assert.Contains("masked CRC", error.Message);
    }
}
