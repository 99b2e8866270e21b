using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// An optimizer as configs name it (<c>optim_wrapper.optimizer</c>, e.g.
/// <c>{"type": "SGD", "lr": 0.1, "momentum": 0.9}</c>): creates the TorchSharp optimizer over a
/// model's parameter groups. mmengine builds <c>torch.optim</c> classes from the same arguments.
/// </summary>
[ComponentKind("optimizer")]
public abstract class OptimizerBuilder
{
    /// <summary>The configured learning rate, before any scheduler (mmengine's <c>base_lr</c>, which <c>lr_mult</c> multiplies).</summary>
    public abstract double LearningRate { get; }

    /// <summary>The configured weight decay (mmengine's <c>base_wd</c>, which the <c>*_decay_mult</c> settings multiply).</summary>
    public abstract double WeightDecay { get; }

    /// <summary>A new optimizer with one parameter group per item of <paramref name="groups"/>, each with its learning rate and weight decay.</summary>
    public abstract optim.Optimizer Create(IReadOnlyList<ParameterGroup> groups);

    /// <summary>Refuses a learning rate that is negative, NaN or infinite (a [ValueRange] lets infinity through).</summary>
    protected static void RequireLearningRate(double lr)
    {
        if (!(lr >= 0) || double.IsInfinity(lr))
        {
            throw new ConfigValueException("lr", lr, "a finite number >= 0");
        }
    }

    /// <summary>Refuses Adam-style <c>betas</c> that are not two numbers in [0, 1).</summary>
    protected static void RequireBetas(double[] betas)
    {
        ArgumentNullException.ThrowIfNull(betas);
        if (betas.Length != 2 || betas.Any(beta => !(beta >= 0 && beta < 1)))
        {
            throw new ConfigValueException("betas", betas, "two numbers in [0, 1)");
        }
    }
}
