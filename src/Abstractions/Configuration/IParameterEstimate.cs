namespace ImageClassifier;

/// <summary>
/// Implemented (in a partial declaration of the generated config class) by a component whose size
/// grows with its config, so that the host can refuse a config that would not fit in memory before
/// building anything: a layer of a billion outputs is found from the numbers, not from a failed
/// allocation half a minute later.
/// </summary>
/// <remarks>
/// Nested component configs (a classifier's backbone and head) are estimated by the host through
/// their own configs, so an estimate counts only the component's own layers.
/// </remarks>
public interface IParameterEstimate
{
    /// <summary>
    /// How many parameters the component's own layers will have, without building them, and the
    /// member most responsible. A double, because hostile sizes multiply past <see cref="long"/>.
    /// </summary>
    ParameterEstimate EstimateParameters();
}
