using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>A <c>numpy.dtype</c> as pickled: a type code such as <c>f8</c> and a byte order.</summary>
internal sealed class NumpyDtype
{
    public NumpyDtype(string code)
    {
        Code = code;
    }

    /// <summary>Kind letter and item size, as numpy pickles them (<c>f8</c>, <c>i4</c>, <c>b1</c>).</summary>
    public string Code { get; }

    /// <summary><c>&lt;</c> little, <c>&gt;</c> big, <c>|</c> not applicable, <c>=</c> native.</summary>
    public char ByteOrder { get; set; } = '=';

    public char Kind => Code.Length > 0 ? Code[0] : '?';

    public int ItemSize => Code.Length > 1 && int.TryParse(Code.AsSpan(1), out var size) ? size : 0;

    public bool IsBigEndian => ByteOrder == '>';

    /// <summary>The matching tensor dtype, or null for kinds a tensor cannot hold.</summary>
    public ScalarType? TensorType => Code switch
    {
        "f2" => ScalarType.Float16,
        "f4" => ScalarType.Float32,
        "f8" => ScalarType.Float64,
        "i1" => ScalarType.Int8,
        "i2" => ScalarType.Int16,
        "i4" => ScalarType.Int32,
        "i8" => ScalarType.Int64,
        "u1" => ScalarType.Byte,
        "b1" => ScalarType.Bool,
        _ => null,
    };

    public override string ToString() => $"{ByteOrder}{Code}";
}
