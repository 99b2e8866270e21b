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
    string? Warning)
{
    /// <summary>libtorch's intra-op threads as set up (<see cref="TorchThreads.Choose"/>); 0 in a report made by hand.</summary>
    public int Threads { get; init; }

    /// <summary>Whether libtorch may use NNPACK's convolutions (<see cref="TorchRuntimeOptions.Nnpack"/>).</summary>
    public bool NnpackEnabled { get; init; }
}
