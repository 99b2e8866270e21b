using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>The dtypes checkpoints may hold, and their names in PyTorch's pickles.</summary>
internal static class TorchDtypes
{
    /// <summary>Typed storage class names (<c>torch.FloatStorage</c>) to the element type they hold.</summary>
    private static readonly Dictionary<string, ScalarType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
        // Newer PyTorch pickles untyped storages as raw bytes; the tensor supplies the dtype.
        ["UntypedStorage"] = ScalarType.Byte,
    };

    /// <summary>dtype attribute names of the torch module (<c>torch.float32</c>, <c>torch.half</c>).</summary>
    private static readonly Dictionary<string, ScalarType> DtypeNames = new(StringComparer.Ordinal)
    {
        ["float32"] = ScalarType.Float32,
        ["float"] = ScalarType.Float32,
        ["float64"] = ScalarType.Float64,
        ["double"] = ScalarType.Float64,
        ["float16"] = ScalarType.Float16,
        ["half"] = ScalarType.Float16,
        ["bfloat16"] = ScalarType.BFloat16,
        ["int64"] = ScalarType.Int64,
        ["long"] = ScalarType.Int64,
        ["int32"] = ScalarType.Int32,
        ["int"] = ScalarType.Int32,
        ["int16"] = ScalarType.Int16,
        ["short"] = ScalarType.Int16,
        ["int8"] = ScalarType.Int8,
        ["uint8"] = ScalarType.Byte,
        ["bool"] = ScalarType.Bool,
    };

    public static bool TryGetStorageType(string name, out ScalarType dtype) =>
        StorageTypes.TryGetValue(name, out dtype);

    public static bool TryGetDtype(string name, out ScalarType dtype) => DtypeNames.TryGetValue(name, out dtype);

    public static bool IsSupported(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16
            or ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8
            or ScalarType.Byte or ScalarType.Bool => true,
        _ => false,
    };

    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a checkpoint dtype"),
    };

    /// <summary>The typed storage class torch.save names for tensors of <paramref name="dtype"/>.</summary>
    public static string StorageTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "FloatStorage",
        ScalarType.Float64 => "DoubleStorage",
        ScalarType.Float16 => "HalfStorage",
        ScalarType.BFloat16 => "BFloat16Storage",
        ScalarType.Int64 => "LongStorage",
        ScalarType.Int32 => "IntStorage",
        ScalarType.Int16 => "ShortStorage",
        ScalarType.Int8 => "CharStorage",
        ScalarType.Byte => "ByteStorage",
        ScalarType.Bool => "BoolStorage",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a checkpoint dtype"),
    };

    /// <summary>PyTorch's name of <paramref name="dtype"/>, as in <c>torch.float32</c>.</summary>
    public static string PythonName(ScalarType dtype) => dtype switch
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

    public static bool IsFloatingPoint(ScalarType dtype) =>
        dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;
}
