using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Heads;

public sealed class StackedLinearClsHeadTests
{
    [Fact]
    public void HasMmpretrainsStateDictKeysAndShapes()
    {
        using var head = new StackedLinearClsHeadConfig { NumClasses = 5, InChannels = 32, MidChannels = [16, 8] }.Build();

        var state = head.state_dict();

        Assert.Equal(["layers.0.fc.weight", "layers.0.fc.bias", "layers.1.fc.weight", "layers.1.fc.bias", "layers.2.fc.weight", "layers.2.fc.bias"], state.Keys);
        Assert.Equal([16L, 32L], state["layers.0.fc.weight"].shape);
        Assert.Equal([8L, 16L], state["layers.1.fc.weight"].shape);
        Assert.Equal([5L, 8L], state["layers.2.fc.weight"].shape);
        Assert.Equal(
            ["num_classes", "in_channels", "mid_channels", "dropout_rate", "norm_cfg", "act_cfg"],
            StackedLinearClsHeadConfig.Descriptor.Parameters.Select(parameter => parameter.JsonName).TakeLast(6));
    }

    [Fact]
    public void PutsANormInEveryHiddenBlockOnly()
    {
        using var head = new StackedLinearClsHead(new ClsHeadConfig(), numClasses: 5, inChannels: 32, midChannels: [16, 8], normCfg: new BatchNorm1dBuilder());

        var keys = head.state_dict().Keys.ToList();

        Assert.Equal(
            ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"],
            keys.Where(key => key.StartsWith("layers.0.norm.", StringComparison.Ordinal)).Select(key => key["layers.0.norm.".Length..]));
        Assert.Contains("layers.1.norm.running_var", keys);
        Assert.DoesNotContain(keys, key => key.StartsWith("layers.2.norm", StringComparison.Ordinal));
        Assert.Equal(16, keys.Count);
    }

    [Fact]
    public void ScoresThroughTheHiddenLayersWithReLUByDefault()
    {
        using var head = new StackedLinearClsHeadConfig { NumClasses = 5, InChannels = 32, MidChannels = [16, 8], DropoutRate = 0.5 }.Build();
        using var shallow = randn(4, 3);
        using var last = randn(4, 32);
        head.eval();

        using var hidden = head.PreLogits([shallow, last]);
        using var scores = head.call([shallow, last]);

        Assert.Equal([4L, 8L], hidden.shape);
        Assert.True(hidden.ge(0).all().item<bool>());
        Assert.Equal([4L, 5L], scores.shape);
        Assert.True(head.call([shallow, last]).eq(scores).all().item<bool>(), "dropout must be off in evaluation mode");
    }

    [Fact]
    public void UsesTheConfiguredActivation()
    {
        using var head = new StackedLinearClsHeadConfig { NumClasses = 2, InChannels = 8, MidChannels = [64], ActCfg = new TanhActivationConfig() }.Build();
        using var features = randn(16, 8) * 10;

        using var hidden = head.PreLogits([features]);

        Assert.True(hidden.abs().le(1).all().item<bool>());
        Assert.True(hidden.lt(0).any().item<bool>());
    }

    [Fact]
    public void ResetClassifierReplacesOnlyTheLastBlock()
    {
        using var head = new StackedLinearClsHeadConfig { NumClasses = 5, InChannels = 32, MidChannels = [16, 8] }.Build();
        using var hiddenBefore = head.state_dict()["layers.1.fc.weight"].clone();

        head.ResetClassifier(7);

        var state = head.state_dict();
        Assert.Equal(["layers.0.fc.weight", "layers.0.fc.bias", "layers.1.fc.weight", "layers.1.fc.bias", "layers.2.fc.weight", "layers.2.fc.bias"], state.Keys);
        Assert.Equal([7L, 8L], state["layers.2.fc.weight"].shape);
        Assert.True(state["layers.1.fc.weight"].eq(hiddenBefore).all().item<bool>());
        Assert.Equal(7, head.NumClasses);
        Assert.Equal(6, head.parameters().Count());
        using var features = randn(3, 32);
        Assert.Equal([3L, 7L], head.call([features]).shape);
    }

    [Fact]
    public void RefusesNoHiddenLayers()
    {
        var error = Assert.Throws<ConfigValueException>(() => new StackedLinearClsHeadConfig { NumClasses = 5, InChannels = 32, MidChannels = [] }.Build());

        Assert.Equal("mid_channels", error.Member);
    }

    /// <summary>A BatchNorm1d for (N, C) features: mmcv's "BN1d", which the layer kinds do not ship.</summary>
    private sealed class BatchNorm1dBuilder : NormLayerBuilder
    {
        public override string Abbreviation => "bn";

        public override nn.Module<Tensor, Tensor> Create(int numFeatures) => nn.BatchNorm1d(numFeatures);
    }
}
