using TorchSharp.Modules;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// Combines the gradients of replicas before the optimizer steps: the place where data-parallel
/// training averages gradients across processes (an all-reduce). A single-process run has none.
/// </summary>
public interface IGradientReducer
{
    /// <summary>Replaces each parameter's gradient with its combination across replicas, in place.</summary>
    void Reduce(IReadOnlyList<Parameter> parameters);
}
