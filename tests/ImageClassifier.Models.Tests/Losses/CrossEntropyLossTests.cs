using System.Text.Json;
using ImageClassifier.Models.Losses;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Losses;

public sealed class CrossEntropyLossTests
{
    [Fact]
    public void ConfigDefaultsAreMmpretrains()
    {
        var config = new CrossEntropyLossConfig();

        Assert.False(config.UseSigmoid);
        Assert.False(config.UseSoft);
        Assert.Equal(Reduction.Mean, config.Reduction);
        Assert.Equal(1.0, config.LossWeight);
        Assert.Null(config.ClassWeight);
        Assert.Null(config.PosWeight);
        Assert.Equal("CrossEntropyLoss", config.TypeName);
        Assert.Equal(
            ["use_sigmoid", "use_soft", "reduction", "loss_weight", "class_weight", "pos_weight"],
            CrossEntropyLossConfig.Descriptor.Parameters.Select(parameter => parameter.JsonName));
    }

    [Fact]
    public void BindsFromJson()
    {
        var config = JsonSerializer.Deserialize<CrossEntropyLossConfig>("""{"use_soft": true, "reduction": "sum", "loss_weight": 0.5, "class_weight": [1, 2]}""")!;

        Assert.True(config.UseSoft);
        Assert.Equal(Reduction.Sum, config.Reduction);
        Assert.Equal(0.5, config.LossWeight);
        Assert.Equal([1.0, 2.0], config.ClassWeight!);
        Assert.IsType<CrossEntropyLoss>(config.Build());
    }

    [Fact]
    public void RefusesSigmoidAndSoftTogether()
    {
        var error = Assert.Throws<ConfigValueException>(() => new CrossEntropyLossConfig { UseSigmoid = true, UseSoft = true }.Build());

        Assert.Equal("use_soft", error.Member);
    }

    [Fact]
    public void RefusesAnUndefinedReductionOverride()
    {
        using var loss = new CrossEntropyLoss();
        using var pred = zeros(2, 3);
        using var target = tensor(new long[] { 0, 1 });

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(pred, target, reductionOverride: (Reduction)42));

        Assert.Equal("reductionOverride", error.ParamName);
    }

    [Fact]
    public void RefusesAnAverageFactorWithSum()
    {
        using var loss = new CrossEntropyLoss(reduction: Reduction.Sum);
        using var pred = zeros(2, 3);
        using var target = tensor(new long[] { 0, 1 });

        Assert.Throws<ArgumentException>(() => loss.Forward(pred, target, avgFactor: 2));

        // The override wins over the configured reduction, as in mmpretrain.
        using var mean = loss.Forward(pred, target, avgFactor: 2, reductionOverride: Reduction.Mean);
        Assert.Equal(Math.Log(3), mean.item<float>(), 5);
    }

    [Fact]
    public void RefusesAClassWeightOfAnotherWidth()
    {
        using var loss = new CrossEntropyLoss(classWeight: [1, 2]);
        using var pred = zeros(2, 3);
        using var target = tensor(new long[] { 0, 1 });

        var error = Assert.Throws<ArgumentException>(() => loss.Forward(pred, target));

        Assert.Contains("class_weight has 2 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesABinaryTargetOfOtherRank()
    {
        using var loss = new CrossEntropyLoss(useSigmoid: true);
        using var pred = zeros(2, 3);
        using var target = tensor(new long[] { 0, 1 });

        Assert.Throws<ArgumentException>(() => loss.Forward(pred, target));
    }

    [Fact]
    public void AcceptsInt32Labels()
    {
        using var loss = new CrossEntropyLoss();
        using var pred = tensor(new float[] { 2, 0, 0, 0, 1, 0 }).reshape(2, 3);
        using var wide = tensor(new long[] { 0, 1 });
        using var narrow = tensor(new int[] { 0, 1 });

        Assert.Equal(loss.Forward(pred, wide).item<float>(), loss.Forward(pred, narrow).item<float>());
    }

    [Fact]
    public void GradientReachesTheScores()
    {
        using var loss = new CrossEntropyLoss(useSoft: true);
        using var pred = tensor(new float[] { 1, 2, 3, 0, 0, 0 }).reshape(2, 3).requires_grad_();
        using var target = tensor(new float[] { 0, 0, 1, 0.5f, 0.5f, 0 }).reshape(2, 3);

        loss.Forward(pred, target).backward();

        // d(mean soft CE)/d pred = (softmax(pred) - target) / N.
        using var expected = (nn.functional.softmax(pred.detach(), 1) - target) / 2;
        Assert.True(pred.grad!.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void HasNoStateDictEntries()
    {
        using var loss = new CrossEntropyLoss(useSigmoid: true, classWeight: [1, 2, 3], posWeight: [1, 1, 1]);

        Assert.Empty(loss.state_dict());
    }
}
