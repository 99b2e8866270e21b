namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>A stand-in kind base, so the catalog tests need no TorchSharp module.</summary>
[ComponentKind("backbone")]
public abstract class TestBackbone
{
}
