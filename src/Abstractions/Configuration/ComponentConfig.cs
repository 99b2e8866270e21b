using System.Text.Json.Serialization;

namespace ImageClassifier;

/// <summary>
/// The base of every generated config class. A config is plain data (JSON-serialisable, value
/// equality) that knows how to build its component.
/// </summary>
public abstract class ComponentConfig
{
    /// <summary>The registry name of the component this config builds (the JSON "type").</summary>
    [JsonIgnore]
    public abstract string TypeName { get; }

    /// <summary>Builds the component, untyped; prefer the typed <c>Build()</c> of the config class.</summary>
    public abstract object BuildComponent();
}

/// <summary>A config that builds a component of kind <typeparamref name="TComponent"/>.</summary>
public abstract class ComponentConfig<TComponent> : ComponentConfig
    where TComponent : class
{
    /// <summary>Builds the component; nested component configs are built recursively.</summary>
    public abstract TComponent Build();

    /// <inheritdoc />
    public sealed override object BuildComponent() => Build();
}
