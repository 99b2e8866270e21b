using System.Globalization;

namespace ImageClassifier.Runtime;

/// <summary>
/// How many threads libtorch's operators use (intra-op parallelism). By default one per processor
/// this process may run on: <see cref="Environment.ProcessorCount"/>, which on Linux already
/// honours the CPU affinity mask and a cgroup's CPU quota (rounded up), where OpenMP's own default
/// counts every CPU of the host and oversubscribes a container.
/// </summary>
public static class TorchThreads
{
    /// <summary>The environment variable with which OpenMP programs are told their thread count.</summary>
    public const string OpenMpVariable = "OMP_NUM_THREADS";

    /// <summary>
    /// The thread count: <paramref name="requested"/> when given (<c>ICLS_NUM_THREADS</c>, a host
    /// app's <see cref="TorchRuntimeOptions.Threads"/>), else a positive whole number in
    /// <paramref name="openMpVariable"/> (what PyTorch users set), else <paramref name="processorCount"/>.
    /// </summary>
    /// <param name="requested">The explicit choice, or null.</param>
    /// <param name="openMpVariable">The value of <c>OMP_NUM_THREADS</c>, or null; anything but a positive whole number is ignored, as OpenMP ignores it.</param>
    /// <param name="processorCount">The processors available to the process.</param>
    public static int Choose(int? requested, string? openMpVariable, int processorCount)
    {
        if (requested is { } count)
        {
            return count >= 1 ? count : throw new ArgumentOutOfRangeException(nameof(requested), count, "The thread count must be 1 or more.");
        }

        // OMP_NUM_THREADS may be a list ("4,2") for nested levels; the first is the outer level's.
        var first = openMpVariable?.Split(',')[0].Trim();
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var openMp) && openMp >= 1
            ? openMp
            : Math.Max(1, processorCount);
    }
}
