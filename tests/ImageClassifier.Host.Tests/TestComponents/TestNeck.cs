namespace ImageClassifier.Hosting.Tests.TestComponents;

[ComponentKind("neck")]
public abstract class TestNeck
{
}
