using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// An optimizer as configs name it (<c>optim_wrapper.optimizer</c>, e.g.
/// <c>{"type": "SGD", "lr": 0.1, "momentum": 0.9}</c>): creates the TorchSharp optimizer for a
/// model's parameters. mmengine builds <c>torch.optim</c> classes from the same arguments.
/// </summary>
[ComponentKind("optimizer")]
public abstract class OptimizerBuilder
{
    /// <summary>The configured learning rate, before any scheduler.</summary>
    public abstract double LearningRate { get; }

    /// <summary>A new optimizer over <paramref name="parameters"/>, one parameter group.</summary>
    public abstract optim.Optimizer Create(IEnumerable<TorchSharp.Modules.Parameter> parameters);
}
