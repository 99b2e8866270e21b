using System.Text.Json;
using ImageClassifier.Models.Tests.TestHelpers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

/// <summary>
/// The PyTorch-written fixtures of tools/fixtures/make_checkpoint_fixtures.py and what PyTorch
/// says they hold (expected.json). Read from the source tree, so no copy step is needed.
/// </summary>
internal static class CheckpointFixtures
{
    private static readonly Lazy<JsonDocument> ExpectedDocument = new(() => JsonDocument.Parse(File.ReadAllText(PathOf("expected.json"))));

    public static string Folder { get; } = FixturePaths.Folder("Checkpoints");

    public static JsonElement Expected => ExpectedDocument.Value.RootElement;

    public static string PathOf(string name) => Path.Combine(Folder, name);

    public static JsonElement ExpectedFile(string name) => Expected.GetProperty("files").GetProperty(name);

    /// <summary>The module.name Python recorded for os.system when it wrote the hostile fixtures.</summary>
    public static string MaliciousGlobal => Expected.GetProperty("malicious_global").GetString()!;

    /// <summary>Asserts dtype, shape, values (bit for bit) and sum against PyTorch's description.</summary>
    public static void AssertTensor(JsonElement expected, Tensor actual, string name, bool checkStride = true)
    {
        Assert.True(expected.GetProperty("dtype").GetString() == DtypeName(actual.dtype), $"{name}: dtype {actual.dtype}, PyTorch wrote {expected.GetProperty("dtype")}");
        Assert.Equal(Longs(expected.GetProperty("shape")), actual.shape);
        if (checkStride)
        {
            Assert.Equal(Longs(expected.GetProperty("stride")), actual.stride());
        }

        var values = expected.GetProperty("values").EnumerateArray().ToList();
        using var scope = NewDisposeScope();
        var flat = actual.contiguous().reshape(-1);
        Assert.Equal(values.Count, (int)flat.shape[0]);
        switch (actual.dtype)
        {
            case ScalarType.Bool:
                var flags = flat.data<bool>().ToArray();
                for (var index = 0; index < values.Count; index++)
                {
                    Assert.True(values[index].GetBoolean() == flags[index], $"{name}[{index}]");
                }

                break;
            case ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16:
                // Widening to float64 is exact for every one of these types.
                var doubles = flat.to_type(ScalarType.Float64).data<double>().ToArray();
                for (var index = 0; index < values.Count; index++)
                {
                    var wanted = Number(values[index]);
                    Assert.True(
                        BitConverter.DoubleToInt64Bits(wanted) == BitConverter.DoubleToInt64Bits(doubles[index]) || (double.IsNaN(wanted) && double.IsNaN(doubles[index])),
                        $"{name}[{index}]: {doubles[index]:R}, PyTorch wrote {wanted:R}");
                }

                break;
            default:
                var longs = flat.to_type(ScalarType.Int64).data<long>().ToArray();
                for (var index = 0; index < values.Count; index++)
                {
                    Assert.True(values[index].GetInt64() == longs[index], $"{name}[{index}]: {longs[index]}, PyTorch wrote {values[index]}");
                }

                break;
        }

        var sum = Number(expected.GetProperty("sum"));
        var actualSum = flat.to_type(ScalarType.Float64).sum().item<double>();
        if (double.IsNaN(sum) || double.IsInfinity(sum))
        {
            Assert.Equal(sum, actualSum);
        }
        else
        {
            Assert.True(Math.Abs(sum - actualSum) <= 1e-9 * Math.Max(1, Math.Abs(sum)), $"{name}: sum {actualSum:R}, PyTorch {sum:R}");
        }
    }

    /// <summary>Same dtype, same shape and equal elements.</summary>
    public static bool SameValues(Tensor first, Tensor second)
    {
        if (first.dtype != second.dtype || !first.shape.SequenceEqual(second.shape))
        {
            return false;
        }

        using var equal = first.eq(second);
        using var all = equal.all();
        return all.item<bool>();
    }

    /// <summary>Every tensor of a checkpoint tree by its path of dictionary keys joined with '/'.</summary>
    public static Dictionary<string, Tensor> TensorsByPath(object? tree)
    {
        var found = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var pending = new Stack<(string Path, object? Value)>();
        pending.Push((string.Empty, tree));
        while (pending.Count > 0)
        {
            var (path, value) = pending.Pop();
            if (value is Tensor tensor)
            {
                found[path] = tensor;
            }
            else if (value is Dictionary<string, object?> dictionary)
            {
                foreach (var (key, child) in dictionary)
                {
                    pending.Push((path.Length == 0 ? key : $"{path}/{key}", child));
                }
            }
        }

        return found;
    }

    /// <summary>Asserts a plain value tree equals JSON (tuples and lists both compare to arrays).</summary>
    public static void AssertPlainValue(JsonElement expected, object? actual, string path)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var dictionary = Assert.IsType<Dictionary<string, object?>>(actual);
                Assert.Equal(expected.EnumerateObject().Select(property => property.Name), dictionary.Keys);
                foreach (var property in expected.EnumerateObject())
                {
                    AssertPlainValue(property.Value, dictionary[property.Name], $"{path}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                IReadOnlyList<object?> items = actual switch
                {
                    List<object?> list => list,
                    object?[] tuple => tuple,
                    _ => throw new Xunit.Sdk.XunitException($"{path}: expected a list or tuple, got {actual?.GetType().Name ?? "null"}"),
                };
                var expectedItems = expected.EnumerateArray().ToList();
                Assert.Equal(expectedItems.Count, items.Count);
                for (var index = 0; index < items.Count; index++)
                {
                    AssertPlainValue(expectedItems[index], items[index], $"{path}[{index}]");
                }

                break;
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), Assert.IsType<string>(actual));
                break;
            case JsonValueKind.Number when expected.TryGetInt64(out var integer) && !expected.GetRawText().Contains('.'):
                Assert.Equal(integer, Assert.IsType<long>(actual));
                break;
            case JsonValueKind.Number:
                Assert.Equal(expected.GetDouble(), Assert.IsType<double>(actual));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.Equal(expected.GetBoolean(), Assert.IsType<bool>(actual));
                break;
            case JsonValueKind.Null:
                Assert.Null(actual);
                break;
        }
    }

    public static long[] Longs(JsonElement array) => array.EnumerateArray().Select(item => item.GetInt64()).ToArray();

    /// <summary>JSON has no inf or nan: the fixture script writes them as the strings "Infinity", "-Infinity", "NaN".</summary>
    public static double Number(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? double.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
        : value.GetDouble();

    public static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16",
        ScalarType.Int8 => "int8",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        _ => dtype.ToString(),
    };
}
