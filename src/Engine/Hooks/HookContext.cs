using ImageClassifier.Models.Classifiers;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Hooks;

/// <summary>What a hook sees of the run at the point it is called.</summary>
/// <param name="WorkDir">Where the run's logs and checkpoints go.</param>
/// <param name="Epoch">Epochs completed; 0 in an iteration-based run, which mmengine counts as one epoch.</param>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="MaxEpochs">The epochs the run trains; 1 in an iteration-based run.</param>
/// <param name="MaxIterations">The iterations the run trains.</param>
/// <param name="Model">The model being trained.</param>
/// <param name="Optimizer">Its optimizer.</param>
/// <param name="Say">Writes a line to the run's output (the console for icls).</param>
public sealed record HookContext(
    string WorkDir,
    int Epoch,
    int Iteration,
    int MaxEpochs,
    int MaxIterations,
    Classifier Model,
    optim.Optimizer Optimizer,
    Action<string> Say)
{
    /// <summary>The learning rate of the optimizer's first parameter group now.</summary>
    public double LearningRate => Optimizer.ParamGroups.First().LearningRate;
}
