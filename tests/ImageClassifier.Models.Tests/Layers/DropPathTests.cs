using ImageClassifier.Models.Layers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

public sealed class DropPathTests
{
    [Fact]
    public void Training_drops_whole_samples_and_rescales_the_rest()
    {
        manual_seed(2);
        using var dropPath = new DropPath(0.5);
        dropPath.train();
        using var input = ones(64, 3, 2, 2);
        using var output = dropPath.call(input);
        using var perSample = output.reshape(64, -1);
        using var minimum = perSample.amin(1);
        using var maximum = perSample.amax(1);

        // Every sample is either dropped (all 0) or kept and scaled by 1 / (1 - 0.5).
        Assert.True(minimum.allclose(maximum, 0, 0));
        var values = minimum.data<float>().ToArray();
        Assert.All(values, value => Assert.True(value is 0f or 2f, $"{value}"));
        Assert.Contains(0f, values);
        Assert.Contains(2f, values);
    }

    [Fact]
    public void Evaluation_is_the_identity()
    {
        using var dropPath = new DropPath(0.9);
        dropPath.eval();
        using var input = randn(4, 5);
        using var output = dropPath.call(input);
        Assert.True(output.allclose(input, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(1.0));
    }
}
