namespace ImageClassifier.Runtime;

/// <summary>What <see cref="TorchRuntime"/> did to the process.</summary>
/// <param name="Options">The options it applied.</param>
/// <param name="MallocTuned">True when malloc's thresholds were raised (glibc only).</param>
/// <param name="OneDnnEnabled">Whether libtorch's oneDNN convolutions are in use.</param>
/// <param name="Check">The start-up convolution check, or null when the options skipped it.</param>
/// <param name="Warning">A line for the log when the check routed around oneDNN, else null.</param>
public sealed record TorchRuntimeReport(
    TorchRuntimeOptions Options,
    bool MallocTuned,
    bool OneDnnEnabled,
    ConvolutionCheckResult? Check,
    string? Warning);
