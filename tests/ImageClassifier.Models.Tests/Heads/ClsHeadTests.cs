using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Losses;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Heads;

public sealed class ClsHeadTests
{
    // Three samples, four classes. Sample 0 is right at top-1; sample 1 at top-2 (score 0.1);
    // sample 2's best class is right, but its score -0.2 is not above mmpretrain's threshold 0.
    private static readonly float[] Scores = [2.0f, 1.0f, -1.0f, 0.5f, 0.1f, -0.5f, 0.3f, -2.0f, -1.0f, -0.2f, -3.0f, -0.5f];
    private static readonly long[] Labels = [0, 0, 1];

    [Fact]
    public void ConfigDefaultsAreMmpretrains()
    {
        var config = new ClsHeadConfig();

        Assert.Null(config.Loss);
        Assert.Equal([1], config.Topk!);
        Assert.False(config.CalAcc);
        Assert.Null(config.InitCfg);
        Assert.Equal(["loss", "topk", "cal_acc", "init_cfg"], ClsHeadConfig.Descriptor.Parameters.Select(parameter => parameter.JsonName));

        using var head = config.Build();
        Assert.IsType<CrossEntropyLoss>(head.LossModule);
        Assert.Equal(["loss_module"], head.named_children().Select(child => child.name));
        Assert.Empty(head.state_dict());
        Assert.Empty(head.InitCfg);
    }

    [Fact]
    public void ScoresAreTheLastFeature()
    {
        using var head = new ClsHeadConfig().Build();
        using var first = zeros(3, 4);
        using var last = ScoreTensor();

        Assert.Same(last, head.PreLogits([first, last]));
        Assert.True(head.call([first, last]).eq(last).all().item<bool>());
    }

    [Fact]
    public void LossIsTheBatchMeanCrossEntropy()
    {
        using var head = new ClsHeadConfig().Build();
        using var scores = ScoreTensor();
        using var target = tensor(Labels);

        var losses = head.Loss([scores], target);

        Assert.Equal(["loss"], losses.Keys);
        using var expected = nn.functional.cross_entropy(scores, target);
        Assert.Equal(expected.item<float>(), losses["loss"].item<float>(), 6);
    }

    [Fact]
    public void ReportsTopKAccuraciesWithMmpretrainsKeysAndThreshold()
    {
        using var head = new ClsHeadConfig { Topk = [1, 2], CalAcc = true }.Build();
        using var scores = ScoreTensor();
        using var target = tensor(Labels);

        var losses = head.Loss([scores], target);

        Assert.Equal(["loss", "accuracy_top-1", "accuracy_top-2"], losses.Keys);
        Assert.Equal(100.0 / 3, losses["accuracy_top-1"].item<float>(), 4);
        Assert.Equal(200.0 / 3, losses["accuracy_top-2"].item<float>(), 4);
    }

    [Fact]
    public void TakesSoftTargetsButNotWithAccuracies()
    {
        using var scores = ScoreTensor();
        using var soft = tensor(new float[] { 0.7f, 0.3f, 0, 0, 1, 0, 0, 0, 0, 0.5f, 0.5f, 0 }).reshape(3, 4);
        using var plain = new ClsHeadConfig().Build();
        using var accurate = new ClsHeadConfig { CalAcc = true }.Build();

        using var expected = (-(soft * nn.functional.log_softmax(scores, 1)).sum(1)).mean();
        Assert.Equal(expected.item<float>(), plain.Loss([scores], soft)["loss"].item<float>(), 5);

        var error = Assert.Throws<InvalidOperationException>(() => accurate.Loss([scores], soft));
        Assert.Contains("cal_acc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsesTheConfiguredLossWithTheBatchSizeAsAverageFactor()
    {
        using var head = new ClsHeadConfig { Loss = new LabelSmoothLossConfig { LabelSmoothVal = 0.1, Reduction = Reduction.Sum } }.Build();
        using var scores = ScoreTensor();
        using var target = tensor(Labels);

        Assert.IsType<LabelSmoothLoss>(head.LossModule);

        // mmpretrain passes avg_factor=N, which a "sum" reduction refuses.
        Assert.Throws<ArgumentException>(() => head.Loss([scores], target));
    }

    [Fact]
    public void PredictsSoftmaxScoresAndTheirBestClass()
    {
        using var head = new ClsHeadConfig().Build();
        using var scores = ScoreTensor();

        var prediction = head.Predict([scores]);

        Assert.True(prediction.Scores.allclose(nn.functional.softmax(scores, 1)));
        Assert.Equal([0L, 2L, 1L], prediction.Labels.data<long>().ToArray());
        Assert.Equal(ScalarType.Int64, prediction.Labels.dtype);
    }

    [Fact]
    public void RefusesTopKBelowOne()
    {
        // Not a constant: the analyzer would refuse that at compile time.
        var zero = 0;

        var error = Assert.Throws<ConfigValueException>(() => new ClsHeadConfig { Topk = [1, zero] });

        Assert.Equal("topk[1]", error.Member);
    }

    [Fact]
    public void HasNoClassifierToReset()
    {
        using var head = new ClsHeadConfig().Build();

        Assert.Throws<NotSupportedException>(() => head.ResetClassifier(5));
    }

    private static Tensor ScoreTensor() => tensor(Scores).reshape(3, 4);
}
