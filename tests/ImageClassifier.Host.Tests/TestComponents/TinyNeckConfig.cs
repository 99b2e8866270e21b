namespace ImageClassifier.Hosting.Tests.TestComponents;

public sealed class TinyNeckConfig
{
}
