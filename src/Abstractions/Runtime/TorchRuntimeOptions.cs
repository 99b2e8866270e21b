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

    /// <summary>"auto", "on" or "off": see <see cref="NnpackMode"/>.</summary>
    public const string NnpackVariable = "ICLS_NNPACK";

    /// <summary>libtorch's intra-op thread count, a positive whole number: see <see cref="Threads"/>.</summary>
    public const string ThreadsVariable = "ICLS_NUM_THREADS";

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

    /// <summary>Whether libtorch may use NNPACK; default <see cref="NnpackMode.Auto"/>.</summary>
    public NnpackMode Nnpack { get; init; } = ParseNnpack(Environment.GetEnvironmentVariable(NnpackVariable));

    /// <summary>
    /// libtorch's intra-op threads for the process; null for <see cref="TorchThreads.Choose"/>'s
    /// default (<c>OMP_NUM_THREADS</c> when set, else the processors this process may use).
    /// </summary>
    public int? Threads { get; init; } = ParseThreads(Environment.GetEnvironmentVariable(ThreadsVariable));

    private static bool IsOff(string? value) =>
        value is not null && (value.Trim() == "0" || value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase));

    private static ConvolutionPath ParseConvolution(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => ConvolutionPath.Auto,
        "onednn" or "mkldnn" => ConvolutionPath.OneDnn,
        "native" => ConvolutionPath.Native,
        _ => throw new ArgumentException($"{ConvolutionVariable}={value} is not one of auto, onednn, native."),
    };

    private static NnpackMode ParseNnpack(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => NnpackMode.Auto,
        "on" or "1" or "true" => NnpackMode.On,
        "off" or "0" or "false" => NnpackMode.Off,
        _ => throw new ArgumentException($"{NnpackVariable}={value} is not one of auto, on, off."),
    };

    private static int? ParseThreads(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var threads) && threads >= 1 ? threads
        : throw new ArgumentException($"{ThreadsVariable}={value} is not a thread count: expected a whole number of 1 or more (unset, one thread per processor this process may use).");
}
