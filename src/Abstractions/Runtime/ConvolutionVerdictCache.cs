namespace ImageClassifier.Runtime;

/// <summary>
/// Remembers, per machine, that the convolution check passed, so that only the first process on a
/// CPU pays for it (a fraction of a second to a few seconds while oneDNN compiles its kernels). The
/// key is <see cref="MachineCache.MachineKey"/>: the CPU's model name and feature flags and the
/// TorchSharp build (which fixes libtorch's version); a failed check is never stored, so a CPU whose
/// oneDNN is wrong is checked every time.
/// </summary>
internal static class ConvolutionVerdictCache
{
    private const string FileName = "convolution-check.json";

    /// <summary>The passing verdict stored for this machine, or null.</summary>
    public static ConvolutionCheckResult? TryReadPassed(string directory) =>
        MachineCache.TryRead(directory, FileName, MachineCache.MachineKey()) is { } worstCase
            ? new ConvolutionCheckResult(true, worstCase, 0, TimeSpan.Zero, FromCache: true)
            : null;

    /// <summary>Stores a passing verdict for this machine, atomically; a failure to write is ignored.</summary>
    public static void RecordPassed(string directory, ConvolutionCheckResult result)
    {
        if (result.Passed)
        {
            MachineCache.Write(directory, FileName, MachineCache.MachineKey(), $"{result.WorstCase}: {result.WorstRelativeError:G3}, checked {DateTimeOffset.UtcNow:yyyy-MM-dd}");
        }
    }
}
