namespace ImageClassifier;

/// <summary>The 2.0 provider contract: components are listed by name only.</summary>
public interface IComponentProvider
{
    /// <summary>The registry names of the components.</summary>
    IReadOnlyList<string> ComponentNames { get; }
}
