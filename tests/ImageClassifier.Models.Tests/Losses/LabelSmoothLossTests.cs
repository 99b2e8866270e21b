using System.Text.Json;
using ImageClassifier.Models.Losses;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Losses;

public sealed class LabelSmoothLossTests
{
    [Fact]
    public void ConfigDefaultsAreMmpretrains()
    {
        var config = new LabelSmoothLossConfig { LabelSmoothVal = 0.1 };

        Assert.Null(config.NumClasses);
        Assert.Null(config.UseSigmoid);
        Assert.Equal(LabelSmoothMode.Original, config.Mode);
        Assert.Equal(Reduction.Mean, config.Reduction);
        Assert.Equal(1.0, config.LossWeight);
        Assert.Equal(
            ["label_smooth_val", "num_classes", "use_sigmoid", "mode", "reduction", "loss_weight", "class_weight", "pos_weight"],
            LabelSmoothLossConfig.Descriptor.Parameters.Select(parameter => parameter.JsonName));
    }

    [Theory]
    [InlineData("original", LabelSmoothMode.Original)]
    [InlineData("classy_vision", LabelSmoothMode.ClassyVision)]
    [InlineData("multi_label", LabelSmoothMode.MultiLabel)]
    public void ReadsModesInSnakeCase(string json, LabelSmoothMode mode)
    {
        var config = JsonSerializer.Deserialize<LabelSmoothLossConfig>($$"""{"label_smooth_val": 0.1, "mode": "{{json}}"}""")!;

        Assert.Equal(mode, config.Mode);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    public void RefusesASmoothingValueOutsideZeroToOne(double value)
    {
        var error = Assert.Throws<ConfigValueException>(() => new LabelSmoothLossConfig { LabelSmoothVal = value });

        Assert.Equal("label_smooth_val", error.Member);
        Assert.Throws<ConfigValueException>(() => new LabelSmoothLoss(value));
    }

    [Fact]
    public void RefusesScoresOfAnotherClassCount()
    {
        using var loss = new LabelSmoothLoss(0.1, numClasses: 4);
        using var pred = zeros(2, 3);
        using var target = tensor(new long[] { 0, 1 });

        var error = Assert.Throws<ArgumentException>(() => loss.Forward(pred, target));

        Assert.Contains("num_classes (4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesAnIndexOutsideTheClasses()
    {
        using var loss = new LabelSmoothLoss(0.1);
        using var pred = zeros(2, 3);
        using var target = tensor(new long[] { 0, 3 });

        var error = Assert.Throws<ArgumentException>(() => loss.Forward(pred, target));

        Assert.Contains("[0, 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InfersTheClassCountOnEveryCall()
    {
        using var loss = new LabelSmoothLoss(0.2);
        using var three = zeros(1, 3);
        using var five = zeros(1, 5);
        using var target = tensor(new long[] { 0 });

        // Uniform scores: the loss is log(C) whatever the smoothing.
        Assert.Equal(Math.Log(3), loss.Forward(three, target).item<float>(), 5);
        Assert.Equal(Math.Log(5), loss.Forward(five, target).item<float>(), 5);
    }

    [Fact]
    public void KeepsThePerElementLossInMultiLabelModeWithoutReduction()
    {
        using var loss = new LabelSmoothLoss(0.1, mode: LabelSmoothMode.MultiLabel, reduction: Reduction.None);
        using var pred = zeros(2, 3);
        using var target = tensor(new float[] { 1, 0, 1, 0, 0, 0 }).reshape(2, 3);

        using var value = loss.Forward(pred, target);

        // Sigmoid(0) = 0.5, so every element is log 2 whatever its smoothed target.
        Assert.Equal([2L, 3L], value.shape);
        Assert.True(value.allclose(full(2, 3, (float)Math.Log(2)), rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public void RegistersItsCrossEntropyWithoutStateDictEntries()
    {
        using var loss = new LabelSmoothLoss(0.1, classWeight: [1, 2, 3]);

        Assert.Equal(["ce"], loss.named_children().Select(child => child.name));
        Assert.Empty(loss.state_dict());
    }
}
