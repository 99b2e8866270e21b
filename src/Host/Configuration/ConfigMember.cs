namespace ImageClassifier.Hosting.Configuration;

/// <summary>One <c>"name": value</c> pair of a <see cref="ConfigObject"/>.</summary>
/// <param name="Name">The member name, unescaped.</param>
/// <param name="NameLocation">Where the name (its opening quote) was written.</param>
/// <param name="Value">The value; its own <see cref="ConfigNode.Location"/> says where it was written.</param>
public sealed record ConfigMember(string Name, SourceLocation NameLocation, ConfigNode Value);
