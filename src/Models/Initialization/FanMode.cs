namespace ImageClassifier.Models.Initialization;

/// <summary>Which fan Kaiming initialisation scales by; "fan_in" or "fan_out" in configs.</summary>
public enum FanMode
{
    /// <summary>Inputs per output unit: keeps the variance of activations in the forward pass.</summary>
    FanIn,

    /// <summary>Outputs per input unit: keeps the variance of gradients in the backward pass.</summary>
    FanOut,
}
