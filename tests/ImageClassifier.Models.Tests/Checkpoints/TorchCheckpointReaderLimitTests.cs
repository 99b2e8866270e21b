using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Tests.TestHelpers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

/// <summary>
/// The committed corpus of tools/fixtures/make_hostile_fixtures.py: zip records whose sizes lie,
/// deflate bombs and storages beyond the limits are refused with a
/// <see cref="CheckpointFormatException"/> naming the file, the record and the sizes, before the
/// record is inflated; the control checkpoint written the same way loads.
/// </summary>
public sealed class TorchCheckpointReaderLimitTests
{
    private static string Hostile(string name) => FixturePaths.File("Hostile", name);

    public static TheoryData<string, string[]> HostileCheckpoints() => new()
    {
        // the bomb: 64 MiB of zeros behind a 4-float tensor
        { "deflate_bomb.pth", ["archive/data/0 record declares 67108864 bytes uncompressed", "storage '0' needs 4 float32 elements x 4 bytes = 16 bytes", "before it is inflated"] },
        { "deflate_bomb_truncated.pth", ["truncated or damaged"] },
        { "storage_16gib.pth", ["need 17179869184 bytes in all, more than the limit of 8589934592 bytes", "ICLS_MAX_CHECKPOINT_BYTES"] },
        { "pickle_1gib.pth", ["archive/data.pkl record declares 1073741824 bytes, more than the limit of 268435456 bytes", "ICLS_MAX_CHECKPOINT_PICKLE_BYTES"] },
        { "byteorder_bomb.pth", ["archive/byteorder record is longer than a byte order"] },
        { "record_shorter_than_storage.pth", ["archive/data/0 record declares 8 bytes uncompressed", "= 16 bytes"] },
        { "record_longer_than_storage.pth", ["archive/data/0 record declares 32 bytes uncompressed", "= 16 bytes"] },
        { "record_inflates_short.pth", ["archive/data/0 record declares 16 bytes, but inflates to only 8"] },
        { "legacy_huge_storage.pth", ["need 4398046511104 bytes in all, more than the limit of 8589934592 bytes"] },
    };

    [Theory]
    [MemberData(nameof(HostileCheckpoints))]
    public void A_hostile_checkpoint_is_refused_naming_the_file_the_record_and_the_sizes(string name, string[] expected)
    {
        var path = Hostile(name);
        using var scope = NewDisposeScope();

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(path, new CheckpointReadOptions()));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        foreach (var part in expected)
        {
            Assert.Contains(part, error.Message);
        }
    }

    [Fact]
    public void The_corpus_writer_makes_a_readable_checkpoint_when_the_sizes_are_honest()
    {
        using var scope = NewDisposeScope();

        var root = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(Hostile("valid_four_floats.pth"), new CheckpointReadOptions()));

        var weight = Assert.IsType<Tensor>(root["weight"]);
        Assert.Equal([1f, 2f, 3f, 4f], weight.data<float>().ToArray());
    }

    [Fact]
    public void A_bomb_behind_a_header_that_agrees_with_the_pickle_is_inflated_only_as_far_as_the_header_says()
    {
        // The record's header says 16 bytes, as the pickle does; its deflate stream goes on to 64 MiB.
        var bytes = File.ReadAllBytes(Hostile("deflate_bomb_lying_header.pth"));
        using var source = new CountingStream(bytes);
        using var scope = NewDisposeScope();

        var root = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(source, "lying.pth", new CheckpointReadOptions()));

        Assert.Equal(new float[4], Assert.IsType<Tensor>(root["weight"]).data<float>().ToArray());
        // Inflating all 64 MiB would read all 65 KB of compressed data; 16 bytes need its first block.
        Assert.InRange(source.BytesRead, 1, bytes.Length / 2);
    }

    [Fact]
    public void The_storage_limit_is_an_option_and_counts_every_storage_of_the_file()
    {
        var path = CheckpointFixtures.PathOf("state_dict.pth");
        using var scope = NewDisposeScope();
        var total = CheckpointFixtures.TensorsByPath(TorchCheckpointReader.Read(path))
            .Values.Select(tensor => tensor.NumberOfElements * tensor.ElementSize).Sum();

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(path, new CheckpointReadOptions { MaxStorageBytes = 64 }));

        Assert.True(total > 64);
        Assert.Contains("more than the limit of 64 bytes", error.Message);
        Assert.Contains(CheckpointReadOptions.MaxStorageBytesVariable, error.Message);
    }

    [Fact]
    public void The_pickle_limit_is_an_option()
    {
        var error = Assert.Throws<CheckpointFormatException>(() =>
            TorchCheckpointReader.Read(CheckpointFixtures.PathOf("state_dict.pth"), new CheckpointReadOptions { MaxPickleBytes = 10 }));

        Assert.Contains("data.pkl record declares", error.Message);
        Assert.Contains("more than the limit of 10 bytes", error.Message);
    }

    [Fact]
    public void The_environment_sets_the_default_limits()
    {
        var variables = new Dictionary<string, string>
        {
            [CheckpointReadOptions.MaxStorageBytesVariable] = "2G",
            [CheckpointReadOptions.MaxPickleBytesVariable] = "512k",
        };

        var options = CheckpointReadOptions.FromEnvironment(name => variables.GetValueOrDefault(name));
        var defaults = CheckpointReadOptions.FromEnvironment(_ => null);

        Assert.Equal((2L << 30, 512L << 10), (options.MaxStorageBytes, options.MaxPickleBytes));
        Assert.Equal((8L << 30, 256L << 20), (defaults.MaxStorageBytes, defaults.MaxPickleBytes));
        var error = Assert.Throws<ArgumentException>(() => CheckpointReadOptions.FromEnvironment(_ => "huge"));
        Assert.Contains($"{CheckpointReadOptions.MaxStorageBytesVariable}=huge", error.Message);
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_buffered_only_up_to_what_the_limits_allow()
    {
        var options = new CheckpointReadOptions { MaxStorageBytes = 1 << 10, MaxPickleBytes = 1 << 10 };
        using var endless = new NeverEndingStream();

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(endless, "pipe", options));

        Assert.Contains("'pipe'", error.Message);
        Assert.Contains("more than a checkpoint within the limits", error.Message);
        Assert.InRange(endless.Served, 1, (4L << 20) + (1 << 16));
    }

    /// <summary>A seekable stream over bytes that counts what is read from it.</summary>
    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = base.Read(buffer);
            BytesRead += read;
            return read;
        }
    }

    /// <summary>Zeros forever, forward only, like a pipe from a hostile peer.</summary>
    private sealed class NeverEndingStream : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            Served += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
