namespace ImageClassifier.Runtime;

/// <summary>
/// How <see cref="TorchRuntime"/> sets up the process. The defaults are what every entry point
/// uses; each can be changed by an environment variable (read when these options are created) or
/// by a host app before the first model is built.
/// </summary>
public sealed record TorchRuntimeOptions
{
    /// <summary>Turns the malloc tuning off when "0" or "false".</summary>
    public const string MallocTuningVariable = "ICLS_MALLOC_TUNING";

    /// <summary>"auto", "onednn" or "native": see <see cref="ConvolutionPath"/>.</summary>
    public const string ConvolutionVariable = "ICLS_CONVOLUTION";

    /// <summary>
    /// On glibc, raise malloc's mmap and trim thresholds to 1 GiB so that libtorch's CPU buffers
    /// are reused instead of being handed back to the kernel and page-faulted in again every step
    /// (about twice the speed on CPU, some more resident memory). Default on.
    /// </summary>
    public bool TuneMalloc { get; init; } = !IsOff(Environment.GetEnvironmentVariable(MallocTuningVariable));

    /// <summary>The folder for icls's per-user files: <c>ICLS_HOME</c>, else <c>$XDG_CACHE_HOME/icls</c> or <c>~/.cache/icls</c>.</summary>
    public const string HomeVariable = IclsHome.Variable;

    /// <summary>
    /// Where a passing convolution check is remembered for this machine, so that later processes
    /// skip it; null checks in every process. Default: <see cref="HomeVariable"/>'s folder.
    /// </summary>
    public string? CacheDirectory { get; init; } = IclsHome.Resolve();

    /// <summary>Which convolution kernels to use; default <see cref="ConvolutionPath.Auto"/>.</summary>
    public ConvolutionPath Convolution { get; init; } = ParseConvolution(Environment.GetEnvironmentVariable(ConvolutionVariable));

    private static bool IsOff(string? value) =>
        value is not null && (value.Trim() == "0" || value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase));

    private static ConvolutionPath ParseConvolution(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => ConvolutionPath.Auto,
        "onednn" or "mkldnn" => ConvolutionPath.OneDnn,
        "native" => ConvolutionPath.Native,
        _ => throw new ArgumentException($"{ConvolutionVariable}={value} is not one of auto, onednn, native."),
    };
}
