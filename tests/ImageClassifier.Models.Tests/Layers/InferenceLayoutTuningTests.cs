using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

/// <summary>
/// The per-model layout choice: the faster layout (as the injected clock reports it) is the one the
/// model is left in, the outputs are the same either way, and the verdict is remembered per model
/// and batch shape so that a later tuning does not time again.
/// </summary>
public sealed class InferenceLayoutTuningTests : IDisposable
{
    private readonly string cache = Path.Combine(Path.GetTempPath(), $"icls-layouts-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(cache))
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_faster_layout_is_kept_and_the_outputs_do_not_change(bool channelsLastFaster)
    {
        using var model = Model();
        using var batch = torch.randn([4, 3, 16, 16], generator: new Generator(5));
        using var reference = Forward(model, batch);
        InferenceRewrite.Apply(model, channelsLast: true);

        var decision = InferenceLayoutTuning.Tune(model, batch, input => model.call(input), cacheDirectory: null, Clock(model, channelsLastFaster));

        Assert.Equal(channelsLastFaster, decision.ChannelsLast);
        Assert.False(decision.FromCache);
        Assert.Equal(channelsLastFaster ? 2.0 : 3.0, decision.ChannelsLastMilliseconds);
        Assert.Equal(channelsLastFaster ? 3.0 : 2.0, decision.ContiguousMilliseconds);
        AssertLayout(model, channelsLastFaster);
        using var output = Forward(model, batch);
        Assert.True(output.allclose(reference, rtol: 0, atol: 1e-5), $"max difference {(output - reference).abs().max().item<float>()}");
    }

    [Fact]
    public void A_verdict_is_remembered_per_batch_shape_and_read_back_without_timing()
    {
        using var model = Model();
        using var batch = torch.randn([4, 3, 16, 16]);
        InferenceRewrite.Apply(model, channelsLast: true);
        var timed = 0;
        var first = InferenceLayoutTuning.Tune(model, batch, input => model.call(input), cache, action =>
        {
            timed++;
            return Clock(model, channelsLastFaster: false)(action);
        });
        Assert.Equal(2 * InferenceLayoutTuning.Rounds, timed);
        Assert.False(first.ChannelsLast);

        // Another process's model of the same architecture, in the other layout, with other weights.
        using var again = Model();
        InferenceRewrite.Apply(again, channelsLast: true);
        var second = InferenceLayoutTuning.Tune(again, batch, input => again.call(input), cache, _ => throw new InvalidOperationException("timed although remembered"));
        Assert.True(second.FromCache);
        Assert.False(second.ChannelsLast);
        Assert.Null(second.ChannelsLastMilliseconds);
        AssertLayout(again, channelsLast: false);

        using var larger = torch.randn([8, 3, 16, 16]);
        var third = InferenceLayoutTuning.Tune(again, larger, input => again.call(input), cache, Clock(again, channelsLastFaster: true));
        Assert.False(third.FromCache);
        Assert.True(third.ChannelsLast);
        AssertLayout(again, channelsLast: true);
    }

    [Fact]
    public void A_damaged_cache_file_is_timed_over_and_rewritten()
    {
        Directory.CreateDirectory(cache);
        var file = Path.Combine(cache, InferenceLayoutTuning.CacheFile);
        File.WriteAllText(file, "{ not json");
        using var model = Model();
        using var batch = torch.randn([2, 3, 16, 16]);

        var decision = InferenceLayoutTuning.Tune(model, batch, input => model.call(input), cache, Clock(model, channelsLastFaster: true));

        Assert.False(decision.FromCache);
        Assert.True(decision.ChannelsLast);
        Assert.Contains("channels_last;", File.ReadAllText(file), StringComparison.Ordinal);
    }

    // A 3x3 and a 1x1 convolution: the 1x1 kernel's two layouts differ only in strides, which
    // is_contiguous() does not tell apart.
    private static nn.Module<Tensor, Tensor> Model()
    {
        torch.manual_seed(1);
        var model = nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1), nn.ReLU(), nn.Conv2d(8, 4, 1));
        model.eval();
        return model;
    }

    private static Tensor Forward(nn.Module<Tensor, Tensor> model, Tensor batch)
    {
        using var noGrad = torch.no_grad();
        return model.call(batch).contiguous();
    }

    // Reports 2 ms for a pass in the layout that should win and 3 ms for the other, reading the
    // layout the pass ran in from the first convolution's strides.
    private static Func<Action, TimeSpan> Clock(nn.Module model, bool channelsLastFaster) => action =>
    {
        var channelsLast = ChannelsLastWeights.IsChannelsLast(model.parameters().First(parameter => parameter.dim() == 4));
        action();
        return TimeSpan.FromMilliseconds(channelsLast == channelsLastFaster ? 2 : 3);
    };

    private static void AssertLayout(nn.Module model, bool channelsLast)
    {
        foreach (var weight in model.parameters().Where(parameter => parameter.dim() == 4))
        {
            var shape = weight.shape;
            long[] expected = channelsLast
                ? [shape[1] * shape[2] * shape[3], 1, shape[1] * shape[3], shape[1]]
                : [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
            Assert.Equal(expected, weight.stride());
        }
    }
}
