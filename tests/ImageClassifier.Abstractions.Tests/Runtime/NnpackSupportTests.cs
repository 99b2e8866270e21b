using System.Runtime.InteropServices;
using ImageClassifier.Runtime;

namespace ImageClassifier.Abstractions.Tests.Runtime;

/// <summary>
/// NNPACK's rule for a CPU, the prediction against libtorch's own NNPACK on this machine, and the
/// start-up switching NNPACK off where it would refuse (so that libtorch never prints its warning).
/// </summary>
[Collection(RuntimeCollection.Name)]
public sealed class NnpackSupportTests
{
    public static TheoryData<CpuFeatures, bool> Cpus => new()
    {
        { new CpuFeatures(Architecture.X64, HasAvx2: true, HasFma3: true, HasL1DataCache: true, HasL2Cache: true, HasL3Cache: true), true },
        { new CpuFeatures(Architecture.X64, HasAvx2: true, HasFma3: true, HasL1DataCache: true, HasL2Cache: true, HasL3Cache: false), false },
        { new CpuFeatures(Architecture.X64, HasAvx2: true, HasFma3: true, HasL1DataCache: false, HasL2Cache: false, HasL3Cache: false), false },
        { new CpuFeatures(Architecture.X64, HasAvx2: false, HasFma3: true, HasL1DataCache: true, HasL2Cache: true, HasL3Cache: true), false },
        { new CpuFeatures(Architecture.X64, HasAvx2: true, HasFma3: false, HasL1DataCache: true, HasL2Cache: true, HasL3Cache: true), false },
        { new CpuFeatures(Architecture.X86, HasAvx2: true, HasFma3: true, HasL1DataCache: true, HasL2Cache: true, HasL3Cache: true), true },
        { new CpuFeatures(Architecture.X86, HasAvx2: false, HasFma3: false, HasL1DataCache: true, HasL2Cache: true, HasL3Cache: true), false },
        { new CpuFeatures(Architecture.Arm64, HasAvx2: false, HasFma3: false, HasL1DataCache: false, HasL2Cache: false, HasL3Cache: false), true },
    };

    [Theory]
    [MemberData(nameof(Cpus))]
    public void Nnpack_runs_on_x86_with_avx2_fma3_and_three_described_cache_levels_and_always_elsewhere(CpuFeatures cpu, bool supported) =>
        Assert.Equal(supported, NnpackSupport.IsSupported(cpu));

    [Fact]
    public void The_prediction_for_this_machine_is_libtorch_nnpack_own_verdict()
    {
        var own = NnpackSupport.AskLibTorch();
        var features = CpuFeatures.Detect();

        Assert.True(own is not null || !OperatingSystem.IsLinux(), "libtorch_cpu on Linux exports nnp_initialize");
        if (own is { } verdict)
        {
            Assert.True(verdict == NnpackSupport.IsSupported(features), $"NNPACK says {(verdict ? "supported" : "unsupported")} on {features}");
            Assert.Equal(verdict, NnpackSupport.Check());
        }
    }

    [Fact]
    public void A_cpu_nnpack_refuses_gets_nnpack_switched_off_before_the_first_convolution()
    {
        TorchRuntime.EnsureInitialized();
        var before = LibTorchContext.NnpackEnabled;
        try
        {
            var report = TorchRuntime.Initialize(Options(NnpackMode.Auto), Passing, nnpackSupported: () => false);

            Assert.False(report.NnpackEnabled);
            Assert.False(LibTorchContext.NnpackEnabled);
            Assert.Null(report.Warning);

            var supported = TorchRuntime.Initialize(Options(NnpackMode.Auto), Passing, nnpackSupported: () => true);
            Assert.True(supported.NnpackEnabled);
            Assert.True(LibTorchContext.NnpackEnabled);
        }
        finally
        {
            LibTorchContext.SetNnpackEnabled(before);
        }
    }

    [Theory]
    [InlineData(NnpackMode.On, true)]
    [InlineData(NnpackMode.Off, false)]
    public void A_forced_choice_is_taken_without_asking(NnpackMode mode, bool enabled)
    {
        TorchRuntime.EnsureInitialized();
        var before = LibTorchContext.NnpackEnabled;
        try
        {
            var report = TorchRuntime.Initialize(Options(mode), Passing, nnpackSupported: () => throw new InvalidOperationException("no question when forced"));

            Assert.Equal(enabled, report.NnpackEnabled);
            Assert.Equal(enabled, LibTorchContext.NnpackEnabled);
        }
        finally
        {
            LibTorchContext.SetNnpackEnabled(before);
        }
    }

    [Fact]
    public void The_process_set_up_agrees_with_the_verdict()
    {
        var report = TorchRuntime.EnsureInitialized();

        Assert.Equal(LibTorchContext.NnpackEnabled, report.NnpackEnabled);
        if (report.Options.Nnpack == NnpackMode.Auto)
        {
            Assert.Equal(NnpackSupport.Check(), report.NnpackEnabled);
        }
    }

    private static TorchRuntimeOptions Options(NnpackMode mode) =>
        new() { TuneMalloc = false, Convolution = ConvolutionPath.OneDnn, CacheDirectory = null, Nnpack = mode };

    private static ConvolutionCheckResult Passing() => throw new InvalidOperationException("a forced convolution path is not checked");
}
