using System.Text.Json;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

/// <summary>
/// safetensors files, against Fixtures/Safetensors (laid out by tools/fixtures/make_safetensors_fixtures.py
/// from the format's description, with PyTorch making each dtype's bytes).
/// </summary>
public sealed class SafetensorsReaderTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-safetensors-{Guid.NewGuid():N}");

    public SafetensorsReaderTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Every_dtype_reads_with_its_shape_and_values()
    {
        using var expected = Expected();
        var checkpoint = TorchCheckpointReader.ReadDictionary(FixturePaths.File("Safetensors", "tensors.safetensors"));

        var tensors = Assert.IsType<Dictionary<string, object?>>(checkpoint["state_dict"]);
        var reference = expected.RootElement.GetProperty("tensors");
        Assert.Equal(reference.EnumerateObject().Select(entry => entry.Name), tensors.Keys);
        foreach (var entry in reference.EnumerateObject())
        {
            using var tensor = Assert.IsType<Tensor>(tensors[entry.Name]);
            Assert.Equal(entry.Value.GetProperty("dtype").GetString(), Name(tensor.dtype));
            Assert.Equal(entry.Value.GetProperty("shape").EnumerateArray().Select(size => size.GetInt64()), tensor.shape);
            using var asDouble = tensor.to(ScalarType.Float64).reshape(-1);
            Assert.Equal(entry.Value.GetProperty("values").EnumerateArray().Select(value => value.GetDouble()), asDouble.data<double>().ToArray());
        }

        var meta = Assert.IsType<Dictionary<string, object?>>(checkpoint["meta"]);
        Assert.Equal("pt", meta["format"]);
        Assert.Equal("[\"cat\",\"dog\"]", meta["classes"]);
    }

    [Fact]
    public void A_safetensors_file_is_recognised_by_its_header_under_any_name()
    {
        var renamed = Path.Combine(folder, "weights.bin");
        File.Copy(FixturePaths.File("Safetensors", "tensors.safetensors"), renamed);

        var checkpoint = TorchCheckpointReader.ReadDictionary(renamed);

        Assert.Equal(12, Assert.IsType<Dictionary<string, object?>>(checkpoint["state_dict"]).Count);
    }

    public static TheoryData<string> HostileFiles()
    {
        using var expected = Expected();
        return [.. expected.RootElement.GetProperty("hostile").EnumerateObject().Select(entry => entry.Name)];
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void A_damaged_file_is_an_error_naming_the_file_and_the_problem(string name)
    {
        using var expected = Expected();
        var path = FixturePaths.File("Safetensors", "hostile", name);

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpointReader.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected.RootElement.GetProperty("hostile").GetProperty(name).GetString()!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_saved_as_safetensors_loads_back_strictly_and_keeps_its_meta()
    {
        var path = Path.Combine(folder, "tiny.safetensors");
        using var saved = new TinyClassifier();
        using var loaded = new TinyClassifier();
        using (var noGrad = no_grad())
        {
            foreach (var parameter in saved.parameters())
            {
                parameter.uniform_(-1, 1);
            }
        }

        ModelWeights.Save(saved, path, new Dictionary<string, object?> { ["epoch"] = 3L, ["note"] = "tiny" });
        var result = ModelWeights.Load(loaded, path, strict: true);

        Assert.True(result.Report.IsExact, result.Describe());
        var expected = saved.state_dict();
        foreach (var (key, tensor) in loaded.state_dict())
        {
            Assert.True(tensor.allclose(expected[key], rtol: 0, atol: 0), key);
        }

        var meta = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.ReadDictionary(path)["meta"]);
        Assert.Equal("3", meta["epoch"]);
        Assert.Equal("tiny", meta["note"]);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    private static JsonDocument Expected() =>
        JsonDocument.Parse(File.ReadAllText(FixturePaths.File("Safetensors", "expected.json")));

    private static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64", ScalarType.Float32 => "F32", ScalarType.Float16 => "F16", ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64", ScalarType.Int32 => "I32", ScalarType.Int16 => "I16", ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8", ScalarType.Bool => "BOOL", _ => dtype.ToString(),
    };
}
