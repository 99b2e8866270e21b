using System.Text.Json;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Logging;

namespace ImageClassifier.Engine.Tests.Engine.Logging;

public sealed class TensorBoardEventWriterTests : IDisposable
{
    private const long SomeTime = 1_700_000_000_500_000;
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Writes_the_bytes_that_google_protobuf_and_crcmod_write_for_the_same_scalars()
    {
        // Fixtures/TensorBoard comes from tools/fixtures/make_tensorboard_events.py.
        var fixtures = FixturePaths.Folder("TensorBoard");
        using var inputs = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "scalars.json")));
        var root = inputs.RootElement;
        var scalars = root.GetProperty("scalars").EnumerateArray().ToList();
        var clock = new SteppingClock([root.GetProperty("file_version_wall_time_us").GetInt64(), .. scalars.Select(scalar => scalar.GetProperty("wall_time_us").GetInt64())]);

        string path;
        using (var writer = new TensorBoardEventWriter(folder.Path, clock, root.GetProperty("host").GetString()))
        {
            path = writer.Path;
            foreach (var scalar in scalars)
            {
                writer.WriteScalar(scalar.GetProperty("tag").GetString()!, scalar.GetProperty("value").GetDouble(), scalar.GetProperty("step").GetInt64());
            }
        }

        Assert.Equal(0, clock.Remaining);
        Assert.Equal(root.GetProperty("file_name").GetString(), Path.GetFileName(path));
        Assert.Equal(TensorBoardEvent.FileVersion, root.GetProperty("file_version").GetString());
        var expected = File.ReadAllBytes(Path.Combine(fixtures, root.GetProperty("file_name").GetString()!));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Each_record_is_in_the_file_before_the_writer_is_closed()
    {
        using var writer = new TensorBoardEventWriter(folder.Combine("tensorboard"), new SteppingClock([SomeTime, SomeTime + 1_000_000]), "host");

        writer.WriteScalar("train/loss", 1.25, 10);

        var events = EventFileReader.Read(writer.Path);
        Assert.Equal(2, events.Count);
        Assert.Equal(TensorBoardEvent.FileVersion, events[0].FileVersion);
        Assert.Equal(1_700_000_000.5, events[0].WallTime);
        Assert.Equal(1_700_000_001.5, events[1].WallTime);
        Assert.Equal(10, events[1].Step);
        Assert.Equal([("train/loss", 1.25f)], events[1].Scalars);
    }

    [Fact]
    public void A_second_writer_in_the_same_second_starts_a_file_of_its_own()
    {
        using var first = new TensorBoardEventWriter(folder.Path, new SteppingClock([SomeTime, SomeTime]), "host");
        using var second = new TensorBoardEventWriter(folder.Path, new SteppingClock([SomeTime + 1, SomeTime + 2]), "host");

        first.WriteScalar("train/loss", 2, 1);
        second.WriteScalar("train/loss", 1, 2);

        Assert.Equal("events.out.tfevents.1700000000.host", Path.GetFileName(first.Path));
        Assert.Equal("events.out.tfevents.1700000000.host.1", Path.GetFileName(second.Path));
        Assert.Equal([("train/loss", 2f)], EventFileReader.Read(first.Path)[1].Scalars);
        Assert.Equal([("train/loss", 1f)], EventFileReader.Read(second.Path)[1].Scalars);
    }
}
