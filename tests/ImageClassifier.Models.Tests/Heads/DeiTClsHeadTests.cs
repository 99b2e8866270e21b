using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Initialization;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Heads;

/// <summary>
/// mmpretrain's DeiTClsHead on hand-made token pairs; its logits on a whole distilled DeiT are
/// checked against the float64 reference in DistilledVisionTransformerTests.
/// </summary>
public sealed class DeiTClsHeadTests
{
    [Fact]
    public void Keys_are_mmpretrains_with_and_without_a_hidden_layer()
    {
        using var plain = new DeiTClsHeadConfig { NumClasses = 5, InChannels = 8 }.Build();
        using var hidden = new DeiTClsHeadConfig { NumClasses = 5, InChannels = 8, HiddenDim = 6 }.Build();

        Assert.Equal(["layers.head.weight", "layers.head.bias", "layers.head_dist.weight", "layers.head_dist.bias"], Keys(plain));
        Assert.Equal(
            ["layers.pre_logits.weight", "layers.pre_logits.bias", "layers.head.weight", "layers.head.bias", "layers.head_dist.weight", "layers.head_dist.bias"],
            Keys(hidden));
        Assert.Equal([5L, 6], hidden.state_dict()["layers.head_dist.weight"].shape);
    }

    [Fact]
    public void Scores_are_the_mean_of_the_class_and_distillation_classifiers_after_the_pre_logits()
    {
        using var head = (DeiTClsHead)new DeiTClsHeadConfig { NumClasses = 5, InChannels = 8, HiddenDim = 6 }.Build();
        using var scope = NewDisposeScope();
        var pair = randn(3, 8, 2);
        var state = head.state_dict();

        Tensor Score(Tensor token, string classifier) => nn.functional.linear(
            nn.functional.linear(token, state["layers.pre_logits.weight"], state["layers.pre_logits.bias"]).tanh(),
            state[$"layers.{classifier}.weight"],
            state[$"layers.{classifier}.bias"]);
        var expected = (Score(pair[.., .., 0], "head") + Score(pair[.., .., 1], "head_dist")) / 2;

        head.eval();
        Assert.Equal([3L, 6, 2], head.PreLogits([pair]).shape);
        Assert.True(head.call([randn(3, 8, 4, 4), pair]).allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.False(Score(pair[.., .., 0], "head").allclose(expected, rtol: 1e-3, atol: 1e-4));
    }

    [Fact]
    public void A_single_class_token_is_refused_naming_the_shape_it_needs()
    {
        using var head = new DeiTClsHeadConfig { NumClasses = 5, InChannels = 8 }.Build();
        using var token = randn(3, 8);
        head.eval();

        var exception = Assert.Throws<ArgumentException>(() => head.call([token]));
        Assert.Contains("(N, 8, 2)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 8)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Initialisation_zeroes_both_classifiers()
    {
        using var head = new DeiTClsHeadConfig { NumClasses = 5, InChannels = 8 }.Build();
        WeightInitialization.Initialize(head);
        var state = head.state_dict();

        Assert.Equal(0f, state["layers.head.weight"].abs().sum().item<float>());
        Assert.Equal(0f, state["layers.head_dist.weight"].abs().sum().item<float>());
        Assert.Equal(0f, state["layers.head_dist.bias"].abs().sum().item<float>());
    }

    [Fact]
    public void ResetClassifier_replaces_both_classifiers_and_keeps_the_pre_logits()
    {
        using var head = (DeiTClsHead)new DeiTClsHeadConfig { NumClasses = 5, InChannels = 8, HiddenDim = 6 }.Build();
        using var before = head.state_dict()["layers.pre_logits.weight"].clone();

        head.ResetClassifier(3);
        var state = head.state_dict();

        Assert.Equal(3, head.NumClasses);
        Assert.Equal([3L, 6], state["layers.head.weight"].shape);
        Assert.Equal([3L, 6], state["layers.head_dist.weight"].shape);
        Assert.Equal(0f, state["layers.head_dist.weight"].abs().sum().item<float>());
        Assert.True(state["layers.pre_logits.weight"].equal(before).all().item<bool>());
        Assert.Equal(6, state.Count(entry => entry.Key.StartsWith("layers.", StringComparison.Ordinal)));
        using var scope = NewDisposeScope();
        head.eval();
        Assert.Equal([2L, 3], head.call([randn(2, 8, 2)]).shape);
    }

    [Fact]
    public void Training_warns_once_as_mmpretrain_and_the_loss_is_that_of_the_mean_scores()
    {
        using var head = (DeiTClsHead)new DeiTClsHeadConfig { NumClasses = 4, InChannels = 8 }.Build();
        var log = new StringWriter();
        head.Log = log;
        using var scope = NewDisposeScope();
        var pair = randn(6, 8, 2);
        var target = tensor(new long[] { 0, 1, 2, 3, 0, 1 });

        head.eval();
        var expected = nn.functional.cross_entropy(head.call([pair]), target);
        Assert.Empty(log.ToString());
        head.train();
        var loss = head.Loss([pair], target)["loss"];
        head.Loss([pair], target);

        Assert.True(loss.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_estimate_counts_both_classifiers()
    {
        var config = new DeiTClsHeadConfig { NumClasses = 1000, InChannels = 192, HiddenDim = 96 };
        using var head = config.Build();

        Assert.Equal(head.parameters().Sum(parameter => parameter.numel()), (long)config.EstimateParameters().Count);
    }

    private static string[] Keys(Head head) =>
        [.. head.state_dict().Keys.Where(key => key.StartsWith("layers.", StringComparison.Ordinal))];
}
