using ImageClassifier.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Abstractions.Tests.Runtime;

/// <summary>
/// The process set-up every entry point goes through. The convolution check runs on the channel
/// counts and kernels where oneDNN 3.7 was found wrong on some AVX-512 CPUs: on such a CPU these
/// tests fail loudly unless the set-up routed around it.
/// </summary>
[Collection(RuntimeCollection.Name)]
public sealed class TorchRuntimeTests
{
    [Fact]
    public void The_selected_convolution_kernels_agree_with_float64_on_the_shapes_that_broke()
    {
        var report = TorchRuntime.EnsureInitialized();
        var check = TorchRuntime.CheckConvolutions();

        Assert.True(check.Passed, $"{check.WorstCase}: relative error {check.WorstRelativeError} (oneDNN {(report.OneDnnEnabled ? "on" : "off")})");
        Assert.InRange(check.WorstRelativeError, 0, 1e-3);
        Assert.NotEqual("none", check.WorstCase);
    }

    [Fact]
    public void The_first_report_stands_and_says_what_was_done()
    {
        var first = TorchRuntime.EnsureInitialized();
        var second = TorchRuntime.EnsureInitialized(first.Options with { });

        Assert.Same(first, second);
        Assert.Same(first, TorchRuntime.Report);
        var late = Assert.Throws<InvalidOperationException>(() => TorchRuntime.EnsureInitialized(first.Options with { TuneMalloc = !first.Options.TuneMalloc }));
        Assert.Contains("before the first model is built", late.Message, StringComparison.Ordinal);
        Assert.Equal(LibTorchContext.MkldnnEnabled, first.OneDnnEnabled);
        if (first.Options.Convolution == ConvolutionPath.Auto)
        {
            Assert.NotNull(first.Check);
            Assert.Equal(first.Check!.Passed, first.OneDnnEnabled);
            Assert.Equal(first.Check.Passed, first.Warning is null);
        }

        // glibc on Linux: the thresholds were raised unless the environment turned it off.
        Assert.Equal(OperatingSystem.IsLinux() && first.Options.TuneMalloc, first.MallocTuned);
    }

    [Fact]
    public void Without_onednn_libtorch_own_kernels_are_right_too()
    {
        TorchRuntime.EnsureInitialized();
        var before = LibTorchContext.MkldnnEnabled;
        try
        {
            LibTorchContext.SetMkldnnEnabled(false);
            Assert.False(LibTorchContext.MkldnnEnabled);
            var check = TorchRuntime.CheckConvolutions();
            Assert.True(check.Passed, $"{check.WorstCase}: {check.WorstRelativeError}");
        }
        finally
        {
            LibTorchContext.SetMkldnnEnabled(before);
        }

        Assert.Equal(before, LibTorchContext.MkldnnEnabled);
    }

    [Fact]
    public void The_check_leaves_the_global_random_generator_alone()
    {
        TorchRuntime.EnsureInitialized();
        torch.manual_seed(5);
        using var expected = torch.rand(4);
        torch.manual_seed(5);
        TorchRuntime.CheckConvolutions();
        using var actual = torch.rand(4);

        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void A_cpu_whose_onednn_is_wrong_gets_the_native_kernels_and_one_warning()
    {
        TorchRuntime.EnsureInitialized();
        var before = LibTorchContext.MkldnnEnabled;
        var wrong = new ConvolutionCheckResult(false, "17 channels, 3x3, input gradient", double.NaN, TimeSpan.Zero);
        var results = new Queue<ConvolutionCheckResult>([wrong]);
        try
        {
            var options = new TorchRuntimeOptions { TuneMalloc = false, Convolution = ConvolutionPath.Auto, CacheDirectory = null };
            var report = TorchRuntime.Initialize(options, () => results.Count > 0 ? results.Dequeue() : TorchRuntime.CheckConvolutions());

            Assert.False(report.OneDnnEnabled);
            Assert.False(LibTorchContext.MkldnnEnabled);
            Assert.Same(wrong, report.Check);
            Assert.StartsWith("note: oneDNN's convolutions are wrong on this CPU (17 channels, 3x3, input gradient: relative error NaN); using libtorch's own convolution kernels instead (ICLS_CONVOLUTION=onednn forces oneDNN).", report.Warning, StringComparison.Ordinal);
        }
        finally
        {
            LibTorchContext.SetMkldnnEnabled(before);
        }
    }

    [Fact]
    public void A_passing_check_is_remembered_for_the_machine_and_a_failing_one_is_not()
    {
        TorchRuntime.EnsureInitialized();
        var before = LibTorchContext.MkldnnEnabled;
        var folder = Directory.CreateTempSubdirectory("icls-runtime-").FullName;
        try
        {
            var options = new TorchRuntimeOptions { TuneMalloc = false, Convolution = ConvolutionPath.Auto, CacheDirectory = folder };
            var checks = 0;
            var first = TorchRuntime.Initialize(options, () =>
            {
                checks++;
                return new ConvolutionCheckResult(true, "17 channels, 3x3, forward", 2e-7, TimeSpan.FromMilliseconds(300));
            });
            var second = TorchRuntime.Initialize(options, () => throw new InvalidOperationException("the cached verdict should have been used"));

            Assert.Equal(1, checks);
            Assert.False(first.Check!.FromCache);
            Assert.True(second.Check!.FromCache);
            Assert.True(second.OneDnnEnabled);
            Assert.Null(second.Warning);

            // Another folder with a failing check: nothing is stored, so the next process checks again.
            var failing = options with { CacheDirectory = Path.Combine(folder, "failing") };
            var wrong = new ConvolutionCheckResult(false, "24 channels, 3x3, forward", 0.4, TimeSpan.Zero);
            var results = new Queue<ConvolutionCheckResult>([wrong, wrong]);
            TorchRuntime.Initialize(failing, results.Dequeue);
            Assert.False(File.Exists(Path.Combine(failing.CacheDirectory, "convolution-check.json")));
        }
        finally
        {
            LibTorchContext.SetMkldnnEnabled(before);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(ConvolutionPath.Native, false)]
    [InlineData(ConvolutionPath.OneDnn, true)]
    public void A_forced_path_is_taken_without_a_check(ConvolutionPath path, bool oneDnn)
    {
        TorchRuntime.EnsureInitialized();
        var before = LibTorchContext.MkldnnEnabled;
        try
        {
            var report = TorchRuntime.Initialize(new TorchRuntimeOptions { TuneMalloc = false, Convolution = path, CacheDirectory = null }, () => throw new InvalidOperationException("no check when forced"));
            Assert.Equal(oneDnn, report.OneDnnEnabled);
            Assert.Equal(oneDnn, LibTorchContext.MkldnnEnabled);
            Assert.Null(report.Check);
            Assert.Null(report.Warning);
        }
        finally
        {
            LibTorchContext.SetMkldnnEnabled(before);
        }
    }

    [Theory]
    [InlineData(null, ConvolutionPath.Auto)]
    [InlineData("auto", ConvolutionPath.Auto)]
    [InlineData(" Native ", ConvolutionPath.Native)]
    [InlineData("onednn", ConvolutionPath.OneDnn)]
    [InlineData("mkldnn", ConvolutionPath.OneDnn)]
    public void The_environment_picks_the_convolution_path(string? value, ConvolutionPath expected)
    {
        using var variable = new EnvironmentVariable(TorchRuntimeOptions.ConvolutionVariable, value);
        Assert.Equal(expected, new TorchRuntimeOptions().Convolution);
    }

    [Fact]
    public void An_unknown_convolution_path_is_refused_by_name()
    {
        using var variable = new EnvironmentVariable(TorchRuntimeOptions.ConvolutionVariable, "fast");
        var error = Assert.Throws<ArgumentException>(() => new TorchRuntimeOptions());
        Assert.Equal("ICLS_CONVOLUTION=fast is not one of auto, onednn, native.", error.Message);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("FALSE", false)]
    public void The_environment_can_turn_malloc_tuning_off(string? value, bool expected)
    {
        using var variable = new EnvironmentVariable(TorchRuntimeOptions.MallocTuningVariable, value);
        Assert.Equal(expected, new TorchRuntimeOptions().TuneMalloc);
    }

    [Theory]
    [InlineData(null, NnpackMode.Auto)]
    [InlineData(" AUTO ", NnpackMode.Auto)]
    [InlineData("on", NnpackMode.On)]
    [InlineData("off", NnpackMode.Off)]
    [InlineData("0", NnpackMode.Off)]
    public void The_environment_picks_the_nnpack_mode(string? value, NnpackMode expected)
    {
        using var variable = new EnvironmentVariable(TorchRuntimeOptions.NnpackVariable, value);
        Assert.Equal(expected, new TorchRuntimeOptions().Nnpack);
    }

    [Fact]
    public void An_unknown_nnpack_mode_is_refused_by_name()
    {
        using var variable = new EnvironmentVariable(TorchRuntimeOptions.NnpackVariable, "maybe");
        var error = Assert.Throws<ArgumentException>(() => new TorchRuntimeOptions());
        Assert.Equal("ICLS_NNPACK=maybe is not one of auto, on, off.", error.Message);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(" ", null)]
    [InlineData("3", 3)]
    public void The_environment_can_set_the_thread_count(string? value, int? expected)
    {
        using var variable = new EnvironmentVariable(TorchRuntimeOptions.ThreadsVariable, value);
        Assert.Equal(expected, new TorchRuntimeOptions().Threads);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    [InlineData("-1")]
    public void A_thread_count_that_is_not_one_or_more_is_refused_by_name(string value)
    {
        using var variable = new EnvironmentVariable(TorchRuntimeOptions.ThreadsVariable, value);
        var error = Assert.Throws<ArgumentException>(() => new TorchRuntimeOptions());
        Assert.StartsWith($"ICLS_NUM_THREADS={value} is not a thread count", error.Message, StringComparison.Ordinal);
    }

    private sealed class EnvironmentVariable : IDisposable
    {
        private readonly string name;
        private readonly string? previous;

        public EnvironmentVariable(string name, string? value)
        {
            this.name = name;
            previous = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }

        public void Dispose() => Environment.SetEnvironmentVariable(name, previous);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RuntimeCollection
{
    public const string Name = "Runtime";
}
