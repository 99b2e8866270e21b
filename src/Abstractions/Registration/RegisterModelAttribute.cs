namespace ImageClassifier;

/// <summary>
/// Registers a component class. The compiler then generates its typed config class
/// (<c>&lt;Class&gt;Config</c>), a factory that builds the component from that config, and the
/// assembly's registry entry. The component's constructor parameters are its configuration.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class RegisterModelAttribute : Attribute
{
    /// <summary>Registers the component under its class name.</summary>
    public RegisterModelAttribute()
    {
    }

    /// <summary>Registers the component under <paramref name="name"/>, e.g. "ResNet_CIFAR".</summary>
    public RegisterModelAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The registry name; the class name when not given.</summary>
    public string? Name { get; }

    /// <summary>Other names the component can be looked up by.</summary>
    public string[] Aliases { get; set; } = [];

    /// <summary>
    /// Replace a component already registered under the same name and kind instead of failing as
    /// a duplicate.
    /// </summary>
    public bool Override { get; set; }
}
