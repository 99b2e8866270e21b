namespace ImageClassifier.Onnx;

/// <summary>An operator attribute: exactly one of the value members is set, as <see cref="Kind"/> says.</summary>
public sealed record OnnxAttribute
{
    private OnnxAttribute(string name, OnnxAttributeKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Kind = kind;
    }

    /// <summary>The attribute's name, as the operator's specification spells it.</summary>
    public string Name { get; }

    /// <summary>Which value member is set.</summary>
    public OnnxAttributeKind Kind { get; }

    /// <summary>The value of an <see cref="OnnxAttributeKind.Int"/> attribute.</summary>
    public long IntValue { get; private init; }

    /// <summary>The value of a <see cref="OnnxAttributeKind.Float"/> attribute.</summary>
    public float FloatValue { get; private init; }

    /// <summary>The value of a <see cref="OnnxAttributeKind.String"/> attribute.</summary>
    public string? StringValue { get; private init; }

    /// <summary>The values of an <see cref="OnnxAttributeKind.Ints"/> attribute.</summary>
    public IReadOnlyList<long>? IntValues { get; private init; }

    /// <summary>The values of a <see cref="OnnxAttributeKind.Floats"/> attribute.</summary>
    public IReadOnlyList<float>? FloatValues { get; private init; }

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeKind.Int) { IntValue = value };

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeKind.Float) { FloatValue = value };

    /// <summary>A string attribute.</summary>
    public static OnnxAttribute String(string name, string value) => new(name, OnnxAttributeKind.String) { StringValue = value ?? throw new ArgumentNullException(nameof(value)) };

    /// <summary>A list-of-integers attribute.</summary>
    public static OnnxAttribute Ints(string name, params IReadOnlyList<long> values) => new(name, OnnxAttributeKind.Ints) { IntValues = [.. values] };

    /// <summary>A list-of-floats attribute.</summary>
    public static OnnxAttribute Floats(string name, params IReadOnlyList<float> values) => new(name, OnnxAttributeKind.Floats) { FloatValues = [.. values] };
}
