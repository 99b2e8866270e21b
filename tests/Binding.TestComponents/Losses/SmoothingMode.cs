namespace Binding.TestComponents.Losses;

/// <summary>How <see cref="ToyLoss"/> softens its targets; "none", "uniform" or "label_relaxation" in configs.</summary>
public enum SmoothingMode
{
    /// <summary>Hard targets.</summary>
    None,

    /// <summary>Mix the one-hot target with a uniform distribution.</summary>
    Uniform,

    /// <summary>Only penalise probabilities of the true class below 1 - epsilon.</summary>
    LabelRelaxation,
}
