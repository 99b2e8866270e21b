using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Initialization;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Heads;

public sealed class VisionTransformerClsHeadTests
{
    [Fact]
    public void Keys_are_mmpretrains_with_and_without_a_hidden_layer()
    {
        using var plain = new VisionTransformerClsHeadConfig { NumClasses = 5, InChannels = 8 }.Build();
        using var hidden = new VisionTransformerClsHeadConfig { NumClasses = 5, InChannels = 8, HiddenDim = 6 }.Build();

        Assert.Equal(["layers.head.bias", "layers.head.weight"], Keys(plain));
        Assert.Equal(["layers.head.bias", "layers.head.weight", "layers.pre_logits.bias", "layers.pre_logits.weight"], Keys(hidden));
        Assert.Equal([5L, 6], hidden.state_dict()["layers.head.weight"].shape);
    }

    [Fact]
    public void The_class_token_is_scored_through_the_tanh_pre_logits()
    {
        using var head = (VisionTransformerClsHead)new VisionTransformerClsHeadConfig { NumClasses = 5, InChannels = 8, HiddenDim = 6 }.Build();
        using var scope = NewDisposeScope();
        var token = randn(2, 8);
        var state = head.state_dict();

        var preLogits = head.PreLogits([token]);
        var expected = nn.functional.linear(nn.functional.linear(token, state["layers.pre_logits.weight"], state["layers.pre_logits.bias"]).tanh(), state["layers.head.weight"], state["layers.head.bias"]);

        Assert.Equal([2L, 6], preLogits.shape);
        Assert.True(head.call([token]).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Initialisation_zeroes_the_classifier_and_draws_the_pre_logits_as_lecun_normal()
    {
        using var head = new VisionTransformerClsHeadConfig { NumClasses = 5, InChannels = 400, HiddenDim = 300 }.Build();
        WeightInitialization.Initialize(head);
        var state = head.state_dict();

        Assert.Equal(0f, state["layers.head.weight"].abs().sum().item<float>());
        Assert.Equal(0f, state["layers.pre_logits.bias"].abs().sum().item<float>());
        Assert.InRange(state["layers.pre_logits.weight"].std().item<float>(), 0.045f, 0.055f);
    }

    [Fact]
    public void ResetClassifier_replaces_only_the_classifier()
    {
        using var head = (VisionTransformerClsHead)new VisionTransformerClsHeadConfig { NumClasses = 5, InChannels = 8, HiddenDim = 6 }.Build();
        using var before = head.state_dict()["layers.pre_logits.weight"].clone();

        head.ResetClassifier(3);

        Assert.Equal(3, head.NumClasses);
        Assert.Equal([3L, 6], head.state_dict()["layers.head.weight"].shape);
        Assert.True(head.state_dict()["layers.pre_logits.weight"].equal(before).all().item<bool>());
        Assert.Equal(4, head.state_dict().Count(entry => entry.Key.StartsWith("layers.", StringComparison.Ordinal)));
    }

    private static string[] Keys(Head head) =>
        [.. head.state_dict().Keys.Where(key => key.StartsWith("layers.", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
}
