using System.IO.Compression;
using ImageClassifier.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

public sealed class TorchCheckpointReaderTests
{
    private static readonly string[] StateDictKeys =
    [
        "backbone.conv.weight", "backbone.bn.weight", "backbone.bn.bias", "backbone.bn.running_mean",
        "backbone.bn.running_var", "backbone.bn.num_batches_tracked", "head.fc.weight", "head.fc.bias",
    ];

    [Theory]
    [InlineData("state_dict.pth")]
    [InlineData("mmpretrain_checkpoint.pth")]
    [InlineData("dataparallel_state_dict.pth")]
    [InlineData("dtypes_and_views.pth")]
    [InlineData("numpy_meta.pth")]
    [InlineData("legacy_checkpoint.pth")]
    public void Read_gives_every_tensor_exactly_as_PyTorch_wrote_it(string fixture)
    {
        using var scope = NewDisposeScope();
        var checkpoint = TorchCheckpointReader.Read(CheckpointFixtures.PathOf(fixture));

        var expected = CheckpointFixtures.ExpectedFile(fixture).GetProperty("tensors");
        var actual = CheckpointFixtures.TensorsByPath(checkpoint);
        var expectedPaths = expected.EnumerateObject().Select(property => property.Name).ToList();
        var actualPaths = actual.Keys.Where(path => !path.StartsWith("meta/", StringComparison.Ordinal)).ToList();
        Assert.Equal(expectedPaths.Order(), actualPaths.Order());
        foreach (var property in expected.EnumerateObject())
        {
            CheckpointFixtures.AssertTensor(property.Value, actual[property.Name], $"{fixture}:{property.Name}");
            Assert.Equal(property.Value.GetProperty("requires_grad").GetBoolean(), actual[property.Name].requires_grad);
        }
    }

    [Fact]
    public void Read_keeps_the_state_dict_order_and_drops_its_metadata_attribute()
    {
        using var scope = NewDisposeScope();
        var stateDict = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(CheckpointFixtures.PathOf("state_dict.pth")));

        // state_dict() pickles an OrderedDict whose _metadata attribute arrives as BUILD state, not as an item.
        Assert.Equal(StateDictKeys, stateDict.Keys);
        var tracked = Assert.IsType<Tensor>(stateDict["backbone.bn.num_batches_tracked"]);
        Assert.Equal(ScalarType.Int64, tracked.dtype);
        Assert.Empty(tracked.shape);
        Assert.Equal(2, tracked.item<long>());
    }

    [Theory]
    [InlineData("mmpretrain_checkpoint.pth")]
    [InlineData("legacy_checkpoint.pth")]
    public void Read_gives_mmpretrain_meta_with_Python_types(string fixture)
    {
        using var scope = NewDisposeScope();
        var checkpoint = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(CheckpointFixtures.PathOf(fixture)));

        Assert.Equal(fixture == "legacy_checkpoint.pth" ? ["meta", "state_dict", "views"] : ["meta", "state_dict"], checkpoint.Keys);
        var meta = Assert.IsType<Dictionary<string, object?>>(checkpoint["meta"]);
        CheckpointFixtures.AssertPlainValue(CheckpointFixtures.ExpectedFile(fixture).GetProperty("meta"), meta, "meta");

        // What JSON cannot show: tuples are object?[], lists are List<object?>, 2**40 is a long.
        var classes = Assert.IsType<object?[]>(Assert.IsType<Dictionary<string, object?>>(meta["dataset_meta"])["classes"]);
        Assert.Equal(["cat", "dog", "bird"], classes);
        Assert.Equal([1L, "one"], Assert.IsType<object?[]>(meta["pair"]));
        Assert.Empty(Assert.IsType<object?[]>(meta["empty_tuple"]));
        Assert.Equal([224L, 224L], Assert.IsType<List<object?>>(meta["img_shape"]));
        Assert.Equal(1L << 40, meta["large"]);
        Assert.Equal(-(1L << 40), meta["large_negative"]);
        Assert.Equal("na\u00efve \u2713 \u65e5\u672c", meta["unicode"]);
        Assert.Null(meta["nothing"]);
    }

    [Fact]
    public void Read_rebuilds_non_contiguous_views_that_share_their_storage()
    {
        using var scope = NewDisposeScope();
        var tensors = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(CheckpointFixtures.PathOf("dtypes_and_views.pth")));
        var baseTensor = (Tensor)tensors["base"]!;
        var transposed = (Tensor)tensors["transposed"]!;
        var sliced = (Tensor)tensors["sliced"]!;
        var broadcast = (Tensor)tensors["broadcast"]!;

        Assert.False(transposed.is_contiguous());
        Assert.Equal([1L, 4L], transposed.stride());
        Assert.Equal(4, sliced.storage_offset());
        Assert.Equal([0L, 1L], broadcast.stride());
        Assert.True(CheckpointFixtures.SameValues(transposed, baseTensor.t()));

        // One storage record behind base, transposed and sliced, as in PyTorch.
        baseTensor.add_(100);
        Assert.Equal(102f, transposed[2, 1].item<float>()); // base[1, 2] = 6 * 0.5 - 1, plus 100
        Assert.Equal(101.0f, sliced[0, 0].item<float>());
    }

    [Fact]
    public void Read_rebuilds_parameters_scalars_and_empty_tensors()
    {
        using var scope = NewDisposeScope();
        var tensors = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(CheckpointFixtures.PathOf("dtypes_and_views.pth")));

        var parameter = (Tensor)tensors["parameter"]!;
        Assert.True(parameter.requires_grad);
        Assert.Equal([1.5f, -1.5f], parameter.detach().data<float>().ToArray());
        var scalar = (Tensor)tensors["scalar"]!;
        Assert.Equal(0, scalar.dim());
        Assert.Equal(2.5f, scalar.item<float>());
        Assert.Equal([0L, 3L], ((Tensor)tensors["empty"]!).shape);
        Assert.Equal([true, false, true], ((Tensor)tensors["bool"]!).data<bool>().ToArray());
    }

    [Fact]
    public void Read_maps_numpy_scalars_arrays_and_datetimes_to_plain_values()
    {
        using var scope = NewDisposeScope();
        var checkpoint = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(CheckpointFixtures.PathOf("numpy_meta.pth")));
        var meta = Assert.IsType<Dictionary<string, object?>>(checkpoint["meta"]);
        var expected = CheckpointFixtures.ExpectedFile("numpy_meta.pth").GetProperty("meta");

        Assert.Equal(0.875, Assert.IsType<double>(meta["best_score"]));
        Assert.Equal(0.5, Assert.IsType<double>(meta["half_score"]));
        Assert.Equal(12L, Assert.IsType<long>(meta["count"]));
        Assert.Equal(-3L, Assert.IsType<long>(meta["small_count"]));
        Assert.True(Assert.IsType<bool>(meta["flag"]));
        CheckpointFixtures.AssertTensor(expected.GetProperty("array"), Assert.IsType<Tensor>(meta["array"]), "array");

        var when = Assert.IsType<DateTime>(meta["when"]);
        Assert.Equal(DateTime.Parse(expected.GetProperty("when").GetString()!, System.Globalization.CultureInfo.InvariantCulture), when);
        Assert.Equal(DateTimeKind.Unspecified, when.Kind);
        Assert.Equal(DateOnly.Parse(expected.GetProperty("day").GetString()!, System.Globalization.CultureInfo.InvariantCulture), Assert.IsType<DateOnly>(meta["day"]));
        Assert.Equal(expected.GetProperty("elapsed_microseconds").GetInt64() * 10, Assert.IsType<TimeSpan>(meta["elapsed"]).Ticks);
    }

    [Fact]
    public void Read_from_a_stream_that_cannot_seek_gives_the_same_tensors()
    {
        using var scope = NewDisposeScope();
        var bytes = File.ReadAllBytes(CheckpointFixtures.PathOf("state_dict.pth"));
        using var stream = new ForwardOnlyStream(bytes);

        var stateDict = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(stream, "in-memory.pth"));

        var expected = CheckpointFixtures.ExpectedFile("state_dict.pth").GetProperty("tensors");
        CheckpointFixtures.AssertTensor(expected.GetProperty("head.fc.weight"), (Tensor)stateDict["head.fc.weight"]!, "head.fc.weight");
    }

    [Fact]
    public void ReadDictionary_refuses_a_checkpoint_whose_root_is_not_a_dictionary()
    {
        using var scope = NewDisposeScope();
        var folder = Directory.CreateTempSubdirectory("checkpoint-reader-");
        try
        {
            var path = Path.Combine(folder.FullName, "list.pth");
            TorchCheckpointWriter.Write(path, new List<object?> { 1L, 2L });

            var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.ReadDictionary(path));

            Assert.Contains(path, error.Message);
            Assert.Contains("list", error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Read_walks_deeply_nested_and_self_referencing_containers_without_recursion()
    {
        // 100,000 nested lists, then a list that contains itself: neither may overflow the stack or hang.
        const int depth = 100_000;
        var pickle = new MemoryStream();
        pickle.Write([0x80, 2]);
        for (var level = 0; level < depth; level++)
        {
            pickle.WriteByte((byte)']');
        }

        for (var level = 1; level < depth; level++)
        {
            pickle.WriteByte((byte)'a');
        }

        pickle.Write([(byte)']', (byte)'q', 0, (byte)'h', 0, (byte)'a']); // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND: a list holding itself
        pickle.Write([0x86, (byte)'.']); // TUPLE2, STOP
        using var archive = ZipWithPickle(pickle.ToArray());

        var root = Assert.IsType<object?[]>(TorchCheckpointReader.Read(archive, "nested.pth"));

        var cycle = Assert.IsType<List<object?>>(root[1]);
        Assert.Same(cycle, cycle[0]);
        var level0 = Assert.IsType<List<object?>>(root[0]);
        Assert.IsType<List<object?>>(Assert.Single(level0));
    }

    [Fact]
    public void Read_does_not_read_a_missing_file_as_a_format_problem()
    {
        Assert.Throws<FileNotFoundException>(() => TorchCheckpointReader.Read(Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.pth")));
    }

    internal static MemoryStream ZipWithPickle(byte[] pickle, string folder = "archive")
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var data = archive.CreateEntry($"{folder}/data.pkl", CompressionLevel.NoCompression).Open())
            {
                data.Write(pickle);
            }

            using var version = archive.CreateEntry($"{folder}/version", CompressionLevel.NoCompression).Open();
            version.Write("3\n"u8);
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>A stream that only reads forward, like a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
