namespace ImageClassifier.Onnx.Export;

/// <summary>The <c>metadata_props</c> keys an exported model carries, so that the file describes its own input and classes.</summary>
public static class OnnxMetadataKeys
{
    /// <summary>The class names by label, as a JSON array of strings.</summary>
    public const string Classes = "classes";

    /// <summary>The class count.</summary>
    public const string NumClasses = "num_classes";

    /// <summary>The input's channels, height and width, as "C,H,W".</summary>
    public const string InputShape = "input_shape";

    /// <summary>The input's channel order ("bgr", "rgb", "gray"), where the exporter was told it.</summary>
    public const string ChannelOrder = "channel_order";

    /// <summary>What the input holds: float32 pixels 0 to 255, preprocessing inside the graph.</summary>
    public const string InputRange = "input_range";
}
