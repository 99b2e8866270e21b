namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>Hand-written descriptors, as the generator would emit them.</summary>
public static class TestDescriptors
{
    public static ComponentDescriptor Backbone(
        string name,
        Type? componentType = null,
        string[]? aliases = null,
        bool overrides = false,
        IReadOnlyList<ParameterDescriptor>? parameters = null,
        string? baseName = null) => new()
    {
        Name = name,
        Aliases = aliases ?? [],
        Kind = "backbone",
        KindType = typeof(TestBackbone),
        ComponentType = componentType ?? typeof(TinyNet),
        ConfigType = typeof(TinyNetConfig),
        BaseName = baseName,
        Summary = $"The {name} test backbone.",
        Parameters = parameters ?? [],
        Override = overrides,
    };

    public static ComponentDescriptor Neck(string name, string[]? aliases = null) => new()
    {
        Name = name,
        Aliases = aliases ?? [],
        Kind = "neck",
        KindType = typeof(TestNeck),
        ComponentType = typeof(TinyNeck),
        ConfigType = typeof(TinyNeckConfig),
        Summary = $"The {name} test neck.",
        Parameters = [],
    };

    /// <summary>TinyNet's parameters: a constrained int, a ranged double, an array inherited from a base.</summary>
    public static IReadOnlyList<ParameterDescriptor> TinyNetParameters { get; } =
    [
        new()
        {
            Name = "OutIndices",
            JsonName = "out_indices",
            Type = typeof(int[]),
            TypeDisplay = "int[]",
            DefaultJson = "[3]",
            Doc = "Which stages to return.",
            Constraints = [new ValueRangeAttribute(0, 3)],
            DeclaredBy = "BaseNet",
        },
        new()
        {
            Name = "Depth",
            JsonName = "depth",
            Type = typeof(int),
            TypeDisplay = "int",
            Required = true,
            Doc = "The network depth.",
            Constraints = [new OneOfAttribute(18, 34)],
        },
        new()
        {
            Name = "DropRate",
            JsonName = "drop_rate",
            Type = typeof(double?),
            TypeDisplay = "double?",
            DefaultJson = "0.0",
            Doc = "Dropout before the last stage.",
        },
    ];
}
