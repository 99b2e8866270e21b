namespace ImageClassifier.Shared.Json;

/// <summary>The limits on config JSON that the host applies by default and the analyzer always.</summary>
internal static class JsonLimits
{
    /// <summary>How many objects and arrays may nest inside each other (the top-level value is level 1).</summary>
    public const int DefaultMaxDepth = 64;
}
