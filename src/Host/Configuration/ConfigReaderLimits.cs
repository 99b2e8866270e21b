using ImageClassifier.Shared.Json;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>Guards against hostile or runaway config input.</summary>
public sealed record ConfigReaderLimits
{
    /// <summary>The defaults: 64 levels of nesting, 16 MiB per file, 32 levels of <c>_base_</c>.</summary>
    public static ConfigReaderLimits Default { get; } = new();

    /// <summary>How many objects/arrays may nest inside each other (the top-level object is level 1).</summary>
    public int MaxDepth { get; init; } = JsonLimits.DefaultMaxDepth;

    /// <summary>The largest config file, in bytes, that will be read.</summary>
    public long MaxFileBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>How long a <c>_base_</c> chain may be (the loaded file is level 1).</summary>
    public int MaxInheritanceDepth { get; init; } = 32;
}
