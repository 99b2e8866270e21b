using TorchSharp.Modules;

namespace ImageClassifier.Engine.Optimizers;

/// <summary>
/// Parameters that share a learning rate and a weight decay: one of torch's <c>param_groups</c>.
/// <see cref="DefaultOptimWrapperConstructor"/> makes them from <c>optim_wrapper.paramwise_cfg</c>;
/// without one, all parameters form one group with the optimizer's own settings.
/// </summary>
/// <param name="Members">The parameters with their names in the model (such as <c>backbone.layer1.0.conv1.weight</c>), in the model's order.</param>
/// <param name="LearningRate">The group's learning rate before any scheduler.</param>
/// <param name="WeightDecay">The group's weight decay.</param>
public sealed record ParameterGroup(IReadOnlyList<(string Name, Parameter Parameter)> Members, double LearningRate, double WeightDecay)
{
    /// <summary>The parameters, in <see cref="Members"/>' order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; } = [.. Members.Select(member => member.Parameter)];

    /// <summary>The parameters' names, in <see cref="Members"/>' order.</summary>
    public IEnumerable<string> Names => Members.Select(member => member.Name);
}
