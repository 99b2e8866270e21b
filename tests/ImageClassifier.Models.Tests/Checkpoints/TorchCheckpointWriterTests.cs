using System.IO.Compression;
using System.Numerics;
using ImageClassifier.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

public sealed class TorchCheckpointWriterTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("checkpoint-writer-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void Write_then_Read_gives_back_every_dtype_and_non_contiguous_views()
    {
        using var scope = NewDisposeScope();
        var grid = arange(12, ScalarType.Float32).reshape(3, 4) * 0.25f - 1;
        var tensors = new Dictionary<string, Tensor>
        {
            ["transposed"] = grid.t(),
            ["sliced"] = grid[TensorIndex.Slice(1), TensorIndex.Slice(null, null, 2)],
            ["broadcast"] = tensor(new[] { 1f, 2f, 3f }).expand(2, 3),
            ["float64"] = tensor(new[] { 1.0 / 3.0, -2.5, 1e-300, double.MaxValue }),
            ["float32_specials"] = tensor(new[] { float.PositiveInfinity, float.NegativeInfinity, -0.0f, float.Epsilon }),
            ["float16"] = tensor(new[] { 0.1f, -2f, 65504f }).to_type(ScalarType.Float16),
            ["bfloat16"] = tensor(new[] { 0.1f, -3f, 1e30f }).to_type(ScalarType.BFloat16),
            ["int64"] = tensor(new[] { long.MinValue, 0L, long.MaxValue }),
            ["int32"] = tensor(new[] { int.MinValue, int.MaxValue, 5, -6 }).reshape(2, 2),
            ["int16"] = tensor(new short[] { short.MinValue, short.MaxValue, 7 }),
            ["int8"] = tensor(new sbyte[] { sbyte.MinValue, sbyte.MaxValue, -1 }),
            ["uint8"] = tensor(new byte[] { 0, 255, 128 }),
            ["bool"] = tensor(new[] { true, false, true }).reshape(1, 3),
            ["scalar"] = tensor(2.5f),
            ["empty"] = zeros(0, 3),
            ["parameter"] = new TorchSharp.Modules.Parameter(ones(2)),
        };
        var path = Path.Combine(folder.FullName, "all.pth");

        TorchCheckpointWriter.Write(path, tensors);
        var read = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(path));

        Assert.Equal(tensors.Keys, read.Keys);
        foreach (var (name, written) in tensors)
        {
            var back = Assert.IsType<Tensor>(read[name]);
            Assert.Equal(written.dtype, back.dtype);
            Assert.Equal(written.shape, back.shape);
            Assert.True(back.is_contiguous(), name);
            Assert.False(back.requires_grad, name);
            Assert.True(CheckpointFixtures.SameValues(written.detach(), back), $"{name} differs after the round trip");
        }
    }

    [Fact]
    public void Write_then_Read_gives_back_plain_values_with_their_types()
    {
        var meta = new Dictionary<string, object?>
        {
            ["text"] = "na\u00efve \u2713 \u65e5\u672c",
            ["int"] = 42,
            ["long"] = 1L << 40,
            ["negative"] = -70000L,
            ["huge"] = BigInteger.Pow(2, 70),
            ["ulong"] = ulong.MaxValue,
            ["double"] = 0.1,
            ["float"] = 0.5f,
            ["true"] = true,
            ["none"] = null,
            ["list"] = new List<object?> { 1, "two", 3.5, null },
            ["array"] = new[] { 224, 224 },
            ["tuple"] = new object?[] { "cat", "dog" },
            ["value_tuple"] = (1, "one"),
            ["empty_tuple"] = Array.Empty<object?>(),
            ["bytes"] = new byte[] { 0, 1, 127, 128, 255 },
            ["no_bytes"] = Array.Empty<byte>(),
            ["int_keys"] = new Dictionary<int, string> { [0] = "zero", [7] = "seven" },
            ["dtype"] = ScalarType.BFloat16,
            ["nested"] = new Dictionary<string, object?> { ["a"] = new Dictionary<string, object?> { ["b"] = new List<object?>() } },
        };
        var path = Path.Combine(folder.FullName, "meta.pth");

        TorchCheckpointWriter.Write(path, new Dictionary<string, object?> { ["meta"] = meta });
        var read = Assert.IsType<Dictionary<string, object?>>(Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(path))["meta"]);

        Assert.Equal(meta.Keys, read.Keys);
        Assert.Equal("na\u00efve \u2713 \u65e5\u672c", read["text"]);
        Assert.Equal(42L, read["int"]);
        Assert.Equal(1L << 40, read["long"]);
        Assert.Equal(-70000L, read["negative"]);
        Assert.Equal(BigInteger.Pow(2, 70), read["huge"]);
        Assert.Equal(new BigInteger(ulong.MaxValue), read["ulong"]);
        Assert.Equal(0.1, read["double"]);
        Assert.Equal(0.5, read["float"]);
        Assert.Equal(true, read["true"]);
        Assert.Null(read["none"]);
        Assert.Equal([1L, "two", 3.5, null], Assert.IsType<List<object?>>(read["list"]));
        Assert.Equal([224L, 224L], Assert.IsType<List<object?>>(read["array"]));
        Assert.Equal(["cat", "dog"], Assert.IsType<object?[]>(read["tuple"]));
        Assert.Equal([1L, "one"], Assert.IsType<object?[]>(read["value_tuple"]));
        Assert.Empty(Assert.IsType<object?[]>(read["empty_tuple"]));
        Assert.Equal(new byte[] { 0, 1, 127, 128, 255 }, read["bytes"]);
        Assert.Equal(Array.Empty<byte>(), read["no_bytes"]);
        Assert.Equal(["0", "7"], Assert.IsType<Dictionary<string, object?>>(read["int_keys"]).Keys);
        Assert.Equal(ScalarType.BFloat16, read["dtype"]);
        Assert.Empty(Assert.IsType<List<object?>>(Assert.IsType<Dictionary<string, object?>>(Assert.IsType<Dictionary<string, object?>>(read["nested"])["a"])["b"]));
    }

    [Fact]
    public void Write_lays_out_the_archive_as_torch_save_does()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(folder.FullName, "layout.pth");

        TorchCheckpointWriter.Write(path, new Dictionary<string, object?>
        {
            ["meta"] = new Dictionary<string, object?> { ["epoch"] = 1 },
            ["state_dict"] = new Dictionary<string, Tensor> { ["w"] = ones(2, 2), ["b"] = zeros(2) },
        });

        using var archive = ZipFile.OpenRead(path);
        Assert.Equal(["archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1", "archive/version"], archive.Entries.Select(entry => entry.FullName));
        Assert.Equal(16, archive.GetEntry("archive/data/0")!.Length);
        Assert.Equal(archive.GetEntry("archive/data/0")!.Length, archive.GetEntry("archive/data/0")!.CompressedLength);
        var pickle = ReadEntry(archive, "archive/data.pkl");
        // The state dict is an OrderedDict (written once, then recalled from the memo); meta is a plain dict.
        Assert.Contains("ccollections\nOrderedDict\n", pickle);
        Assert.Contains("ctorch\nFloatStorage\n", pickle);
        Assert.StartsWith("\u0080\u0002}", pickle);
        Assert.Equal("3\n", ReadEntry(archive, "archive/version"));
        Assert.Equal("little", ReadEntry(archive, "archive/byteorder"));
    }

    [Fact]
    public void Write_is_deterministic_and_stores_a_shared_tensor_once()
    {
        using var scope = NewDisposeScope();
        var shared = arange(6, ScalarType.Float32);
        var checkpoint = new Dictionary<string, object?> { ["a"] = shared, ["b"] = shared, ["n"] = 1 };
        var first = Path.Combine(folder.FullName, "first.pth");
        var second = Path.Combine(folder.FullName, "second.pth");

        TorchCheckpointWriter.Write(first, checkpoint);
        TorchCheckpointWriter.Write(second, checkpoint);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        using (var archive = ZipFile.OpenRead(first))
        {
            Assert.Single(archive.Entries, entry => entry.FullName.StartsWith("archive/data/", StringComparison.Ordinal));
        }

        var read = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(first));
        ((Tensor)read["a"]!).add_(1);
        Assert.Equal(1f, ((Tensor)read["b"]!)[0].item<float>());
    }

    [Fact]
    public void Write_refuses_values_it_cannot_encode_and_names_where_they_are()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(folder.FullName, "bad.pth");

        var unknown = Assert.Throws<ArgumentException>(() => TorchCheckpointWriter.Write(path, new Dictionary<string, object?>
        {
            ["meta"] = new Dictionary<string, object?> { ["id"] = Guid.Empty },
        }));
        var complex = Assert.Throws<ArgumentException>(() => TorchCheckpointWriter.Write(path, new Dictionary<string, object?>
        {
            ["z"] = zeros(2, ScalarType.ComplexFloat32),
        }));
        var cycle = new List<object?>();
        cycle.Add(cycle);
        var loop = Assert.Throws<ArgumentException>(() => TorchCheckpointWriter.Write(path, cycle));

        Assert.Contains("checkpoint[\"meta\"][\"id\"]", unknown.Message);
        Assert.Contains("Guid", unknown.Message);
        Assert.Contains("ComplexFloat32", complex.Message);
        Assert.Contains("contains itself", loop.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(folder.GetFiles());
    }

    [Fact]
    public void Write_that_fails_midway_leaves_the_existing_checkpoint_and_no_temporary_file()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(folder.FullName, "epoch_1.pth");
        TorchCheckpointWriter.Write(path, new Dictionary<string, object?> { ["w"] = ones(3) });
        var before = File.ReadAllBytes(path);

        // The tensor and its key are already written when the unencodable value is met.
        var broken = new Dictionary<string, object?> { ["w"] = full(3, 7f), ["bad"] = new object() };
        Assert.Throws<ArgumentException>(() => TorchCheckpointWriter.Write(path, broken));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["epoch_1.pth"], folder.GetFiles().Select(file => file.Name));
        var kept = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.Read(path));
        Assert.Equal(1f, ((Tensor)kept["w"]!)[0].item<float>());
    }

    [Fact]
    public void Write_replaces_an_existing_checkpoint_and_creates_missing_folders()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(folder.FullName, "work_dirs", "run", "latest.pth");

        TorchCheckpointWriter.Write(path, new Dictionary<string, object?> { ["epoch"] = 1 });
        TorchCheckpointWriter.Write(path, new Dictionary<string, object?> { ["epoch"] = 2 });

        Assert.Equal(2L, TorchCheckpointReader.ReadDictionary(path)["epoch"]);
        Assert.Equal(["latest.pth"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void RemoveTemporaryCheckpoints_removes_only_what_a_killed_write_leaves()
    {
        var guid = Guid.NewGuid().ToString("N");
        string[] stale = [$".epoch_3.pth.{guid}.tmp", $".iter_120.pth.{Guid.NewGuid():N}.tmp"];
        string[] kept =
        [
            "epoch_3.pth", "last_checkpoint", "last_checkpoint.tmp", $".notes.txt.{guid}.tmp", $"epoch_3.pth.{guid}.tmp",
            $".epoch_3.pth.{guid[..31]}.tmp", $".epoch_3.pth.{guid.ToUpperInvariant()}.tmp", "mine.tmp",
        ];
        foreach (var name in stale.Concat(kept))
        {
            File.WriteAllText(Path.Combine(folder.FullName, name), "x");
        }

        var nested = Directory.CreateDirectory(Path.Combine(folder.FullName, "sub"));
        File.WriteAllText(Path.Combine(nested.FullName, stale[0]), "x");

        var removed = TorchCheckpointWriter.RemoveTemporaryCheckpoints(folder.FullName);

        Assert.Equal(stale.Order(StringComparer.Ordinal), removed.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(kept.Order(StringComparer.Ordinal), folder.GetFiles().Select(file => file.Name).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(nested.FullName, stale[0])));
        Assert.Empty(TorchCheckpointWriter.RemoveTemporaryCheckpoints(Path.Combine(folder.FullName, "missing")));
    }

    [Fact]
    public void The_temporary_file_of_a_write_matches_the_stale_pattern()
    {
        // A write that never finishes is simulated by catching the temporary file while it exists.
        using var watcher = new FileSystemWatcher(folder.FullName) { EnableRaisingEvents = true };
        var seen = new List<string>();
        watcher.Created += (_, args) => { lock (seen) { seen.Add(args.Name!); } };
        using (var scope = NewDisposeScope())
        {
            TorchCheckpointWriter.Write(Path.Combine(folder.FullName, "iter_7.pth"), new Dictionary<string, object?> { ["w"] = ones(1000) });
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline && !seen.Any(name => name.EndsWith(".tmp", StringComparison.Ordinal)))
        {
            Thread.Sleep(10);
        }

        lock (seen)
        {
            var temporary = Assert.Single(seen, name => name.EndsWith(".tmp", StringComparison.Ordinal));
            Assert.True(TorchCheckpointWriter.IsTemporaryCheckpoint(temporary), temporary);
        }
    }

    private static string ReadEntry(ZipArchive archive, string name)
    {
        using var reader = new StreamReader(archive.GetEntry(name)!.Open(), System.Text.Encoding.Latin1);
        return reader.ReadToEnd();
    }
}
