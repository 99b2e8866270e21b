using ImageClassifier.Runtime;
using TorchSharp;

namespace ImageClassifier.Abstractions.Tests.Runtime;

/// <summary>libtorch's thread count: an explicit choice, then OMP_NUM_THREADS, then the processors the process may use.</summary>
[Collection(RuntimeCollection.Name)]
public sealed class TorchThreadsTests
{
    [Theory]
    [InlineData(3, "8", 16, 3)]
    [InlineData(null, "6", 16, 6)]
    [InlineData(null, " 4,2 ", 16, 4)]
    [InlineData(null, null, 2, 2)]
    [InlineData(null, "", 2, 2)]
    [InlineData(null, "0", 2, 2)]
    [InlineData(null, "-3", 2, 2)]
    [InlineData(null, "many", 5, 5)]
    [InlineData(null, null, 0, 1)]
    public void The_count_is_the_request_else_openmp_else_the_processors(int? requested, string? openMp, int processors, int expected) =>
        Assert.Equal(expected, TorchThreads.Choose(requested, openMp, processors));

    [Fact]
    public void A_request_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchThreads.Choose(0, null, 4));

    [Fact]
    public void The_process_set_up_set_the_count_it_reports()
    {
        var report = TorchRuntime.EnsureInitialized();
        var expected = TorchThreads.Choose(report.Options.Threads, Environment.GetEnvironmentVariable(TorchThreads.OpenMpVariable), Environment.ProcessorCount);

        Assert.Equal(expected, report.Threads);

        // Tests elsewhere in this process set their own count; a fresh set-up sets it back.
        var oneDnn = LibTorchContext.MkldnnEnabled;
        torch.set_num_threads(expected + 1);
        try
        {
            TorchRuntime.Initialize(report.Options with { TuneMalloc = false, CacheDirectory = null, Convolution = ConvolutionPath.OneDnn }, () => throw new InvalidOperationException("not checked"));
            Assert.Equal(expected, torch.get_num_threads());
        }
        finally
        {
            LibTorchContext.SetMkldnnEnabled(oneDnn);
        }
    }
}
