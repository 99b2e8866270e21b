using ImageClassifier.Models.Necks;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Necks;

public sealed class GeneralizedMeanPoolingTests
{
    [Fact]
    public void ConfigDefaultsAreMmpretrains()
    {
        var config = new GeneralizedMeanPoolingConfig();

        Assert.Equal(3.0, config.P);
        Assert.Equal(1e-6, config.Eps);
        Assert.True(config.Clamp);
        Assert.True(config.PTrainable);
        Assert.Equal(["p", "eps", "clamp", "p_trainable"], GeneralizedMeanPoolingConfig.Descriptor.Parameters.Select(parameter => parameter.JsonName));
    }

    [Fact]
    public void PoolsEachChannelToItsGeneralizedMean()
    {
        using var neck = new GeneralizedMeanPooling();
        using var features = tensor(new float[] { 1, 2, 3, 4, 0.5f, 0.5f, 0.5f, 0.5f }).reshape(1, 2, 2, 2);

        var pooled = neck.call([features]);

        // ((1³ + 2³ + 3³ + 4³) / 4)^(1/3) = 25^(1/3); a constant map pools to itself.
        Assert.Single(pooled);
        Assert.Equal([1L, 2L], pooled[0].shape);
        Assert.Equal(Math.Cbrt(25), pooled[0][0, 0].item<float>(), 5);
        Assert.Equal(0.5, pooled[0][0, 1].item<float>(), 5);
    }

    [Fact]
    public void ClampsBeforeThePowerUnlessToldNot()
    {
        using var features = tensor(new float[] { -8, 8, 0, 0 }).reshape(1, 1, 2, 2);
        using var clamped = new GeneralizedMeanPooling(p: 3, eps: 1e-6);
        using var raw = new GeneralizedMeanPooling(p: 3, clamp: false);

        // Clamped: ((eps³ + 8³ + 2 eps³) / 4)^(1/3) = 8 / 4^(1/3); unclamped the cubes cancel to 0.
        Assert.Equal(8 / Math.Cbrt(4), clamped.call([features])[0].item<float>(), 4);
        Assert.Equal(0, raw.call([features])[0].item<float>(), 5);
    }

    [Fact]
    public void WithPOneItIsAveragePooling()
    {
        using var neck = new GeneralizedMeanPooling(p: 1);
        using var features = rand(3, 4, 5, 6) + 0.1;

        var pooled = neck.call([features, features * 2]);

        Assert.Equal(2, pooled.Count);
        Assert.True(pooled[0].allclose(features.mean([-2L, -1L]), rtol: 1e-5, atol: 1e-6));
        Assert.True(pooled[1].allclose(features.mean([-2L, -1L]) * 2, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void LearnsPUnderItsCheckpointName()
    {
        using var neck = new GeneralizedMeanPooling(p: 2);
        using var features = rand(2, 3, 4, 4) + 0.1;

        var state = neck.state_dict();
        Assert.Equal(["p"], state.Keys);
        Assert.Equal([1L], state["p"].shape);
        Assert.Equal(2.0, neck.P, 6);

        neck.call([features])[0].sum().backward();
        var parameter = Assert.Single(neck.parameters());
        Assert.True(parameter.requires_grad);
        Assert.NotNull(parameter.grad);
        Assert.NotEqual(0f, parameter.grad!.item<float>());
    }

    [Fact]
    public void KeepsPFixedWhenNotTrainable()
    {
        using var neck = new GeneralizedMeanPooling(pTrainable: false);

        Assert.False(Assert.Single(neck.parameters()).requires_grad);
    }

    [Fact]
    public void RefusesPBelowOne()
    {
        // Not a constant: the analyzer would refuse that at compile time.
        var tooSmall = 0.5;

        var error = Assert.Throws<ConfigValueException>(() => new GeneralizedMeanPoolingConfig { P = tooSmall });
        Assert.Equal("p must be >= 1, but got 0.5.", error.Message);
        Assert.Throws<ConfigValueException>(() => new GeneralizedMeanPooling(p: tooSmall));
    }

    [Fact]
    public void RefusesFeaturesThatAreNotMaps()
    {
        using var neck = new GeneralizedMeanPooling();
        using var flat = ones(2, 3);

        Assert.Throws<ArgumentException>(() => neck.call([flat]));
    }
}
