namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>A second base claiming the "backbone" kind, as a plugin with its own Abstractions would.</summary>
[ComponentKind("backbone")]
public abstract class ForeignBackbone
{
}
