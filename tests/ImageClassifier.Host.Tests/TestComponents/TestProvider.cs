using ImageClassifier;
using ImageClassifier.Hosting.Tests.TestComponents;

// The generator emits this attribute only for assemblies with [RegisterModel] classes; this
// project has none, so the hand-written one below is the only one.
[assembly: ComponentProvider(typeof(TestProvider))]

namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>This test assembly's hand-written provider; internal with a public constructor, as generated ones are.</summary>
internal sealed class TestProvider : IComponentProvider
{
    public TestProvider()
    {
    }

    public IReadOnlyList<ComponentDescriptor> Components { get; } =
    [
        TestDescriptors.Backbone("TinyNet", aliases: ["tiny_net"], parameters: TestDescriptors.TinyNetParameters),
        TestDescriptors.Neck("TinyNeck"),
    ];
}
