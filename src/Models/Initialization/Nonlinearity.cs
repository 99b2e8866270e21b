namespace ImageClassifier.Models.Initialization;

/// <summary>
/// The function after a layer, which sets the gain of Kaiming initialisation (PyTorch's
/// <c>calculate_gain</c> names: "relu", "leaky_relu", "tanh", "linear", "conv2d", ...).
/// </summary>
public enum Nonlinearity
{
    /// <summary>Gain 1.</summary>
    Linear,

    /// <summary>Gain 1.</summary>
    Conv1d,

    /// <summary>Gain 1.</summary>
    Conv2d,

    /// <summary>Gain 1.</summary>
    Conv3d,

    /// <summary>Gain 1.</summary>
    ConvTranspose1d,

    /// <summary>Gain 1.</summary>
    ConvTranspose2d,

    /// <summary>Gain 1.</summary>
    ConvTranspose3d,

    /// <summary>Gain 1.</summary>
    Sigmoid,

    /// <summary>Gain 5/3.</summary>
    Tanh,

    /// <summary>Gain √2.</summary>
    Relu,

    /// <summary>Gain √(2 / (1 + a²)) for negative slope a.</summary>
    LeakyRelu,

    /// <summary>Gain 3/4.</summary>
    Selu,
}
