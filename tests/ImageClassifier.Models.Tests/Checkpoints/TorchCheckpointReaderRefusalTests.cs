using System.IO.Compression;
using ImageClassifier.Models.Checkpoints;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

public sealed class TorchCheckpointReaderRefusalTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("checkpoint-refusal-");

    public void Dispose() => folder.Delete(recursive: true);

    [Theory]
    [InlineData("malicious.pkl")]          // pickle.dumps of a class whose __reduce__ returns os.system
    [InlineData("malicious_zip.pth")]      // the same (protocol 4, STACK_GLOBAL) as a zip's data.pkl
    [InlineData("malicious_legacy.pth")]   // the same inside the legacy format
    [InlineData("trojan_state_dict.pth")]  // torch.save of a state dict with the payload beside a tensor
    public void Read_refuses_the_os_system_fixtures_naming_the_file_and_the_global(string fixture)
    {
        var path = CheckpointFixtures.PathOf(fixture);

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(path));

        Assert.Equal(CheckpointFixtures.MaliciousGlobal, error.RefusedGlobal);
        Assert.Contains(path, error.Message);
        Assert.Contains($"'{CheckpointFixtures.MaliciousGlobal}'", error.Message);
        Assert.Contains("os.system", error.Message);
        Assert.Contains("never executes code", error.Message);
        Assert.Equal(path, error.FilePath);
    }

    public static TheoryData<string, string, bool> HostileGlobals() => new()
    {
        { "os.system", "global", false },
        { "os.system", "global", true },
        { "builtins.eval", "global", false },
        { "builtins.eval", "stack_global", true },
        { "subprocess.Popen", "global", true },
        { "subprocess.Popen", "inst", false },
        { "__builtin__.exec", "global", false },
        { "__main__.Evil", "newobj", true },
        { "torch.load", "global", true },
        { "collections.defaultdict", "global", true },
        { "numpy.load", "stack_global", false },
        { "torch.storage._load_from_bytes", "global", true },
    };

    [Theory]
    [MemberData(nameof(HostileGlobals))]
    public void Read_refuses_every_global_outside_the_allow_list(string global, string opcode, bool inZip)
    {
        var dot = global.LastIndexOf('.');
        var (module, name) = (global[..dot], global[(dot + 1)..]);
        var pickle = opcode switch
        {
            "global" => PickleBytes.Protocol(2).Global(module, name).Text("echo pwned").Op(0x85).Op('R').Stop(),
            "stack_global" => PickleBytes.Protocol(4).ShortText(module).ShortText(name).Op(0x93).Text("echo pwned").Op(0x85).Op('R').Stop(),
            "inst" => PickleBytes.Protocol(2).Op('(').Text("echo pwned").Op('i').Raw(System.Text.Encoding.ASCII.GetBytes($"{module}\n{name}\n")).Stop(),
            "newobj" => PickleBytes.Protocol(2).Global(module, name).Op(')').Op(0x81).Stop(),
            _ => throw new ArgumentOutOfRangeException(nameof(opcode)),
        };

        var error = ReadExpectingFailure(pickle.ToArray(), inZip, "hostile.pth");

        Assert.Equal(global, error.RefusedGlobal);
        Assert.Contains($"'{global}'", error.Message);
        Assert.Contains("hostile.pth", error.Message);
        Assert.Contains("never executes code", error.Message);
    }

    [Fact]
    public void Read_refuses_before_reading_any_tensor_named_earlier_in_the_pickle()
    {
        // A tensor whose storage record does not exist, then os.system: the refusal must come
        // first, proving no storage was touched before the whole pickle was accepted.
        var pickle = PickleBytes.Protocol(2)
            .Op('}').Op('(')
            .Text("weight")
            .Global("torch._utils", "_rebuild_tensor_v2").Op('(')
            .Op('(').Text("storage").Global("torch", "FloatStorage").Text("0").Text("cpu").Int(4).Op('t').Op('Q')
            .Int(0).Int(4).Op(0x85).Int(1).Op(0x85).Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R')
            .Op('t').Op('R')
            .Text("payload").Global("os", "system").Text("echo pwned").Op(0x85).Op('R')
            .Op('u').Stop();

        var error = ReadExpectingFailure(pickle.ToArray(), inZip: true, "trojan.pth");

        Assert.Equal("os.system", error.RefusedGlobal);
    }

    [Fact]
    public void Read_refuses_an_empty_file()
    {
        var path = Write("empty.pth", []);

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("empty", error.Message);
        Assert.Contains("expected a zip archive written by torch.save", error.Message);
    }

    [Fact]
    public void Read_refuses_a_text_file_and_quotes_its_start()
    {
        var path = Write("notes.pth", "model: resnet50\nepochs: 100\n"u8.ToArray());

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("the text \"model: resnet50", error.Message);
        Assert.Null(error.RefusedGlobal);
    }

    [Theory]
    [InlineData("truncated.pth")]
    [InlineData("truncated_legacy.pth")]
    public void Read_refuses_truncated_fixtures(string fixture)
    {
        var path = CheckpointFixtures.PathOf(fixture);

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData("state_dict.pth")]
    [InlineData("legacy_checkpoint.pth")]
    public void Read_refuses_every_truncation_of_a_real_checkpoint(string fixture)
    {
        var whole = File.ReadAllBytes(CheckpointFixtures.PathOf(fixture));
        for (var length = 0; length < whole.Length; length += 7)
        {
            using var scope = NewDisposeScope();
            using var stream = new MemoryStream(whole, 0, length, writable: false);

            var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(stream, $"cut-{length}.pth"));

            Assert.Contains($"cut-{length}.pth", error.Message);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("PK\u0003\u0004")]
    [InlineData("\u0080\u0002")]
    public void Read_refuses_random_bytes_with_a_format_exception(string start)
    {
        var random = new Random(1234);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            using var scope = NewDisposeScope();
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            var prefix = System.Text.Encoding.Latin1.GetBytes(start);
            prefix.CopyTo(bytes, 0);
            if (start.Length == 0 && bytes[0] is 0x80 or (byte)'P')
            {
                bytes[0] = 0;
            }

            var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(new MemoryStream(bytes), "random.bin"));

            Assert.Contains("random.bin", error.Message);
        }
    }

    [Theory]
    [InlineData("legacy_checkpoint.pth")]
    [InlineData("mmpretrain_checkpoint.pth")]
    public void Read_of_a_damaged_pickle_either_loads_or_throws_a_format_exception(string fixture)
    {
        var random = new Random(42);
        var pickle = fixture.EndsWith("legacy_checkpoint.pth", StringComparison.Ordinal) ? File.ReadAllBytes(CheckpointFixtures.PathOf(fixture)) : DataPickleOf(fixture);
        var storages = fixture.EndsWith("legacy_checkpoint.pth", StringComparison.Ordinal) ? null : CheckpointFixtures.PathOf(fixture);
        for (var attempt = 0; attempt < 400; attempt++)
        {
            using var scope = NewDisposeScope();
            var damaged = (byte[])pickle.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                damaged[random.Next(0, Math.Min(damaged.Length, 2600))] = (byte)random.Next(256);
            }

            using var stream = storages is null ? new MemoryStream(damaged) : ReplaceDataPickle(storages, damaged);
            try
            {
                TorchCheckpointReader.Read(stream, "damaged.pth");
            }
            catch (CheckpointFormatException error)
            {
                Assert.Contains("damaged.pth", error.Message);
            }
        }
    }

    [Fact]
    public void Read_refuses_a_plain_pickle_that_is_not_a_legacy_checkpoint()
    {
        var pickle = PickleBytes.Protocol(2).Op('}').Text("a").Int(1).Op('s').Stop();

        var error = ReadExpectingFailure(pickle.ToArray(), inZip: false, "plain.pkl");

        Assert.Contains("not one written by torch.save", error.Message);
    }

    [Fact]
    public void Read_refuses_a_legacy_file_that_pickles_a_whole_module()
    {
        var objectPickle = PickleBytes.Protocol(2).Op('(').Text("module").Op('N').Op('N').Op('N').Op('t').Op('Q').Stop();
        var bytes = PickleBytes.LegacyHeader().Concat(objectPickle.ToArray()).ToArray();

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(new MemoryStream(bytes), "model.pth"));

        Assert.Contains("state_dict()", error.Message);
    }

    [Fact]
    public void Read_refuses_a_zip_without_data_pkl_and_names_TorchScript_archives()
    {
        var plain = ZipOf(("notes/readme.txt", "hello"u8.ToArray()));
        var script = ZipOf(("model/data.pkl.not", []), ("model/constants.pkl", []), ("model/code/__torch__.py", []));

        var plainError = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(plain, "notes.zip"));
        var scriptError = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(script, "scripted.pt"));

        Assert.Contains("no data.pkl", plainError.Message);
        Assert.Contains("TorchScript", scriptError.Message);
    }

    [Fact]
    public void Read_refuses_big_endian_archives()
    {
        var archive = ZipOf(("archive/data.pkl", PickleBytes.Protocol(2).Op('}').Stop().ToArray()), ("archive/byteorder", "big"u8.ToArray()));

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(archive, "sparc.pth"));

        Assert.Contains("little-endian", error.Message);
    }

    [Theory]
    [InlineData(2L, 4L, "past the end of storage '0'")]                     // a 2x4 view of 4 elements
    [InlineData(long.MaxValue, long.MaxValue, "more memory than can be addressed")] // an extent beyond 128 bits
    public void Read_refuses_a_tensor_that_reaches_past_its_storage(long rows, long rowStride, string problem)
    {
        var pickle = PickleBytes.Protocol(2)
            .Global("torch._utils", "_rebuild_tensor_v2").Op('(')
            .Op('(').Text("storage").Global("torch", "FloatStorage").Text("0").Text("cpu").Int(4).Op('t').Op('Q')
            .Int(0).Long(rows).Int(4).Op(0x86).Long(rowStride).Int(1).Op(0x86).Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R')
            .Op('t').Op('R').Stop();
        var archive = ZipOf(("archive/data.pkl", pickle.ToArray()), ("archive/data/0", new byte[16]));

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(archive, "overrun.pth"));

        Assert.Contains(problem, error.Message);
        Assert.Contains("overrun.pth", error.Message);
    }

    private static CheckpointFormatException ReadExpectingFailure(byte[] pickle, bool inZip, string name)
    {
        using var stream = inZip ? TorchCheckpointReaderTests.ZipWithPickle(pickle) : new MemoryStream(pickle);
        return Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(stream, name));
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static MemoryStream ZipOf(params (string Name, byte[] Bytes)[] records)
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in records)
            {
                using var entry = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(bytes);
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static byte[] DataPickleOf(string fixture)
    {
        using var archive = ZipFile.OpenRead(CheckpointFixtures.PathOf(fixture));
        var entry = archive.Entries.Single(record => record.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
        using var data = entry.Open();
        var bytes = new MemoryStream();
        data.CopyTo(bytes);
        return bytes.ToArray();
    }

    /// <summary>The fixture's archive with its data.pkl replaced (and valid CRCs), so damage reaches the pickle.</summary>
    private static MemoryStream ReplaceDataPickle(string fixture, byte[] pickle)
    {
        using var source = ZipFile.OpenRead(fixture);
        var records = source.Entries.Select(entry =>
        {
            if (entry.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
            {
                return (entry.FullName, pickle);
            }

            using var data = entry.Open();
            var bytes = new MemoryStream();
            data.CopyTo(bytes);
            return (entry.FullName, bytes.ToArray());
        }).ToArray();
        return ZipOf(records);
    }
}
