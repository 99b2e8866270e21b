namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>A place in a config where a component config goes, its class picked by "type".</summary>
/// <param name="Kind">The kind that "type" names a component of; null when any kind will do (the "model" section before its kind is known).</param>
/// <param name="DeclaredType">The declared config type: <c>ComponentConfig&lt;Backbone&gt;</c>, or a config class such as <c>ResNetConfig</c> that variants derive from.</param>
/// <param name="Default">The registration used when "type" is left out: the declared config class's own, or the kind's default (<see cref="ComponentKindAttribute.DefaultType"/>); null when "type" is required.</param>
internal sealed record ComponentPosition(string? Kind, Type DeclaredType, Catalog.ComponentRegistration? Default);
