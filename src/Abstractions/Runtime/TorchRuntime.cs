using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Runtime;

/// <summary>
/// Process-wide set-up of libtorch that every entry point goes through once, before its first
/// model: the CLI, the host facade, the runner and the inferencer call
/// <see cref="EnsureInitialized"/>, and so does every component base's constructor, so tests and
/// plugins' own hosts get the same numerics. See docs/reliability.md and docs/training.md.
/// </summary>
/// <remarks>
/// <para>Malloc: glibc hands freed blocks above its mmap threshold back to the kernel; libtorch then
/// page-faults each step's activations in afresh. Raising the mmap and trim thresholds to 1 GiB
/// keeps them (<see cref="TorchRuntimeOptions.TuneMalloc"/>).</para>
/// <para>Threads: libtorch's intra-op threads are set once, to the processors this process may use
/// (<see cref="TorchThreads"/>; <see cref="TorchRuntimeOptions.Threads"/> overrides).</para>
/// <para>NNPACK: where NNPACK would refuse the CPU, libtorch prints an unactionable warning at the
/// first convolution that could use it; it is switched off first (<see cref="NnpackSupport"/>).</para>
/// <para>Convolutions: the oneDNN 3.7 inside libtorch 2.10 computes some float32 convolutions wrongly
/// (NaN, or errors of 20-100 %) on some AVX-512 CPUs, depending on the channel count. A float32 run
/// of those shapes is compared with a float64 one (libtorch's own kernels; oneDNN has no float64
/// convolution) and, where they disagree, oneDNN is switched off for the process
/// (<c>at::Context::setUserEnabledMkldnn</c>, which TorchSharp does not wrap).</para>
/// </remarks>
public static class TorchRuntime
{
    // mallopt parameters (malloc.h).
    private const int MallocTrimThreshold = -1;
    private const int MallocMmapThreshold = -3;
    private const int OneGibibyte = 1 << 30;

    // Relative to the reference's largest magnitude; float32 rounding is about 1e-6 here.
    private const double Tolerance = 1e-3;

    private static readonly Lock Gate = new();
    private static TorchRuntimeReport? report;

    /// <summary>What the set-up did, or null before it ran.</summary>
    public static TorchRuntimeReport? Report => Volatile.Read(ref report);

    /// <summary>
    /// Applies <paramref name="options"/> (default: <see cref="TorchRuntimeOptions"/> from the
    /// environment) the first time it is called; later calls return the first report unchanged.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="options"/> differ from those already applied: a host app must set them
    /// before anything builds a model.
    /// </exception>
    public static TorchRuntimeReport EnsureInitialized(TorchRuntimeOptions? options = null)
    {
        var done = Volatile.Read(ref report);
        if (done is null)
        {
            lock (Gate)
            {
                if (report is null)
                {
                    Volatile.Write(ref report, Initialize(options ?? new TorchRuntimeOptions(), CheckConvolutions));
                    return report!;
                }

                done = report;
            }
        }

        if (options is not null && options != done.Options)
        {
            throw new InvalidOperationException($"libtorch was already set up with {done.Options} when {options} was asked for; set TorchRuntimeOptions (HostOptions.Runtime) before the first model is built.");
        }

        return done;
    }

    /// <summary>Runs the convolution check now, on the kernels currently selected (for tests and diagnostics).</summary>
    public static ConvolutionCheckResult CheckConvolutions()
    {
        var clock = Stopwatch.StartNew();
        var worstCase = "none";
        var worstError = 0.0;
        var worstScore = 0.0;
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var generator = new Generator(20240611);
        foreach (var (channels, kernel) in CheckedShapes)
        {
            foreach (var (part, error) in Compare(channels, kernel, generator))
            {
                // A result that is not finite is the worst there is.
                var score = double.IsNaN(error) ? double.PositiveInfinity : error;
                if (score > worstScore)
                {
                    (worstScore, worstError, worstCase) = (score, error, $"{channels} channels, {kernel}x{kernel}, {part}");
                }
            }
        }

        return new ConvolutionCheckResult(worstScore <= Tolerance, worstCase, worstError, clock.Elapsed);
    }

    // The channel counts and kernels that broke (docs/reliability.md), and ones next to them.
    private static readonly (int Channels, int Kernel)[] CheckedShapes =
        [(1, 3), (3, 3), (3, 7), (5, 5), (8, 3), (9, 3), (12, 3), (15, 5), (16, 3), (17, 3), (24, 3), (31, 3), (33, 3)];

    // The checks are parameters so that tests can play a CPU on which oneDNN is wrong or NNPACK refuses to run.
    internal static TorchRuntimeReport Initialize(TorchRuntimeOptions options, Func<ConvolutionCheckResult> checkConvolutions, Func<bool>? nnpackSupported = null)
    {
        var mallocTuned = options.TuneMalloc && TuneGlibcMalloc();
        torch.InitializeDeviceType(DeviceType.CPU);
        var threads = TorchThreads.Choose(options.Threads, Environment.GetEnvironmentVariable(TorchThreads.OpenMpVariable), Environment.ProcessorCount);
        torch.set_num_threads(threads);
        var nnpack = ApplyNnpack(options.Nnpack, nnpackSupported ?? NnpackSupport.Check);
        return SelectConvolutions(options, mallocTuned, checkConvolutions) with { Threads = threads, NnpackEnabled = nnpack };
    }

    // Before the first convolution: libtorch asks NNPACK only while its switch is on.
    private static bool ApplyNnpack(NnpackMode mode, Func<bool> supported)
    {
        if (!LibTorchContext.IsAvailable)
        {
            return mode == NnpackMode.Off
                ? throw new NotSupportedException($"{TorchRuntimeOptions.NnpackVariable}=off cannot be honoured: NNPACK cannot be switched off here ({LibTorchContext.Problem}).")
                : true;
        }

        var enabled = mode switch
        {
            NnpackMode.On => true,
            NnpackMode.Off => false,
            _ => supported(),
        };
        LibTorchContext.SetNnpackEnabled(enabled);
        return enabled;
    }

    private static TorchRuntimeReport SelectConvolutions(TorchRuntimeOptions options, bool mallocTuned, Func<ConvolutionCheckResult> checkConvolutions)
    {
        switch (options.Convolution)
        {
            case ConvolutionPath.OneDnn:
                // oneDNN is libtorch's default, so where the switch cannot be reached nothing changes.
                if (LibTorchContext.IsAvailable)
                {
                    LibTorchContext.SetMkldnnEnabled(true);
                }

                return new TorchRuntimeReport(options, mallocTuned, true, null, null);
            case ConvolutionPath.Native:
                if (!LibTorchContext.IsAvailable)
                {
                    throw new NotSupportedException($"{TorchRuntimeOptions.ConvolutionVariable}=native cannot be honoured: oneDNN cannot be switched off here ({LibTorchContext.Problem}).");
                }

                LibTorchContext.SetMkldnnEnabled(false);
                return new TorchRuntimeReport(options, mallocTuned, false, null, null);
        }

        var check = (options.CacheDirectory is { } cache ? ConvolutionVerdictCache.TryReadPassed(cache) : null) ?? checkConvolutions();
        if (check.Passed && !check.FromCache && options.CacheDirectory is { } folder)
        {
            ConvolutionVerdictCache.RecordPassed(folder, check);
        }

        if (check.Passed || !LibTorchContext.IsAvailable)
        {
            var unfixable = check.Passed ? null
                : $"warning: libtorch's float32 convolutions are wrong on this CPU ({check.WorstCase}: error {check.WorstRelativeError:G3}) and oneDNN cannot be switched off here ({LibTorchContext.Problem}); results may be wrong.";
            return new TorchRuntimeReport(options, mallocTuned, true, check, unfixable);
        }

        LibTorchContext.SetMkldnnEnabled(false);
        var recheck = checkConvolutions();
        var warning = recheck.Passed
            ? $"note: oneDNN's convolutions are wrong on this CPU ({check.WorstCase}: relative error {check.WorstRelativeError:G3}); using libtorch's own convolution kernels instead ({TorchRuntimeOptions.ConvolutionVariable}=onednn forces oneDNN)."
            : $"warning: libtorch's float32 convolutions are wrong on this CPU with and without oneDNN ({recheck.WorstCase}: error {recheck.WorstRelativeError:G3}); results may be wrong.";
        return new TorchRuntimeReport(options, mallocTuned, false, check, warning);
    }

    // Forward output, input gradient and weight gradient of one float32 convolution against float64.
    private static IEnumerable<(string Part, double Error)> Compare(int channels, int kernel, Generator generator)
    {
        var input = torch.randn([2, channels, 9, 9], dtype: ScalarType.Float64, generator: generator);
        var weight = torch.randn([channels, channels, kernel, kernel], dtype: ScalarType.Float64, generator: generator);
        var upstream = torch.randn([2, channels, 9, 9], dtype: ScalarType.Float64, generator: generator);
        var reference = Run(input, weight, upstream, kernel);
        var single = Run(input.to_type(ScalarType.Float32), weight.to_type(ScalarType.Float32), upstream.to_type(ScalarType.Float32), kernel);
        yield return ("forward", RelativeError(single.Output, reference.Output));
        yield return ("input gradient", RelativeError(single.InputGrad, reference.InputGrad));
        yield return ("weight gradient", RelativeError(single.WeightGrad, reference.WeightGrad));
    }

    private static (Tensor Output, Tensor InputGrad, Tensor WeightGrad) Run(Tensor input, Tensor weight, Tensor upstream, int kernel)
    {
        var x = input.detach().requires_grad_(true);
        var w = weight.detach().requires_grad_(true);
        var output = nn.functional.conv2d(x, w, padding: [kernel / 2, kernel / 2]);
        output.backward([upstream]);
        return (output.detach(), x.grad!, w.grad!);
    }

    private static double RelativeError(Tensor actual, Tensor reference)
    {
        var scale = reference.abs().max().item<double>();
        var error = actual.to_type(ScalarType.Float64).sub(reference).abs().max().item<double>();
        return double.IsFinite(error) ? error / Math.Max(scale, 1e-12) : double.NaN;
    }

    private static bool TuneGlibcMalloc()
    {
        if (!OperatingSystem.IsLinux()
            || !NativeLibrary.TryLoad("libc.so.6", out var libc)
            || !NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _)
            || !NativeLibrary.TryGetExport(libc, "mallopt", out var address))
        {
            return false;
        }

        var mallopt = Marshal.GetDelegateForFunctionPointer<Mallopt>(address);
        return mallopt(MallocMmapThreshold, OneGibibyte) == 1 && mallopt(MallocTrimThreshold, OneGibibyte) == 1;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int Mallopt(int parameter, int value);
}
