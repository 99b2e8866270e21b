namespace ImageClassifier.Generators;

/// <summary>The names of the generator's pipeline steps, so that tests can check each one's caching.</summary>
public static class TrackingNames
{
    /// <summary>Every [RegisterModel] class parsed to a model (null when it cannot be generated).</summary>
    public const string Components = nameof(Components);

    /// <summary>The components that can be generated.</summary>
    public const string ValidComponents = nameof(ValidComponents);

    /// <summary>The config class of each valid component, fully qualified.</summary>
    public const string ConfigTypeNames = nameof(ConfigTypeNames);

    /// <summary>Every config class name of the assembly, collected.</summary>
    public const string CollectedConfigTypeNames = nameof(CollectedConfigTypeNames);

    /// <summary>The provider's entries: the config class names in ordinal order.</summary>
    public const string ProviderEntries = nameof(ProviderEntries);

    /// <summary>The compiling assembly's name.</summary>
    public const string AssemblyName = nameof(AssemblyName);

    /// <summary>The provider's entries with the assembly name.</summary>
    public const string ProviderInputs = nameof(ProviderInputs);

    /// <summary>The assembly's provider: its class name and every entry.</summary>
    public const string Provider = nameof(Provider);
}
