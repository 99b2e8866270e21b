namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>Provider types that a [ComponentProvider] attribute may wrongly point at.</summary>
public static class BrokenProviders
{
    public sealed class NotAProvider
    {
    }

    public sealed class WithoutParameterlessConstructor(int seed) : IComponentProvider
    {
        public IReadOnlyList<ComponentDescriptor> Components { get; } = seed > 0 ? [] : [];
    }

    public sealed class ThrowingConstructor : IComponentProvider
    {
        public ThrowingConstructor()
        {
            throw new InvalidOperationException("the provider is broken on purpose");
        }

        public IReadOnlyList<ComponentDescriptor> Components => [];
    }

    public sealed class NullComponent : IComponentProvider
    {
        public IReadOnlyList<ComponentDescriptor> Components => [null!];
    }
}
