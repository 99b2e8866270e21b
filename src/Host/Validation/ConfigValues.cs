namespace ImageClassifier.Hosting.Validation;

/// <summary>
/// Members of generated configs read by name. Configs are generated per component with no common
/// base beyond <see cref="ComponentConfig"/>, so a member shared by many of them (a head's
/// in_channels) has no typed home; the engine reads num_classes and a dataset's pipeline the same way.
/// </summary>
internal static class ConfigValues
{
    /// <summary>The value of the member named <paramref name="property"/> (PascalCase), or null when the config has none.</summary>
    public static object? Get(ComponentConfig? config, string property) =>
        config?.GetType().GetProperty(property)?.GetValue(config);

    /// <summary>A component config held by <paramref name="config"/>'s member <paramref name="property"/> ("Backbone").</summary>
    public static ComponentConfig? Child(ComponentConfig? config, string property) => Get(config, property) as ComponentConfig;

    /// <summary><c>in_channels</c> when it is a single number.</summary>
    public static int? InChannels(ComponentConfig? config) => Get(config, "InChannels") as int?;

    /// <summary>A dataset's <c>data_root</c>, or null.</summary>
    public static string? DataRoot(ComponentConfig dataset) => Get(dataset, "DataRoot") as string;
}
