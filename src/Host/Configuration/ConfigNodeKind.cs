namespace ImageClassifier.Hosting.Configuration;

/// <summary>The JSON kind of a <see cref="ConfigNode"/>.</summary>
public enum ConfigNodeKind
{
    /// <summary>A <see cref="ConfigObject"/>.</summary>
    Object,

    /// <summary>A <see cref="ConfigArray"/>.</summary>
    Array,

    /// <summary>A <see cref="ConfigString"/>.</summary>
    String,

    /// <summary>A <see cref="ConfigNumber"/>.</summary>
    Number,

    /// <summary>A <see cref="ConfigBoolean"/> (true or false).</summary>
    Boolean,

    /// <summary>A <see cref="ConfigNull"/>.</summary>
    Null,
}
