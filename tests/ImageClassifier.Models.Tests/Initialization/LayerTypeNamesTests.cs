using ImageClassifier.Models.Initialization;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Initialization;

public sealed class LayerTypeNamesTests
{
    public static TheoryData<string, string[]> Layers => new()
    {
        { "Conv2d", ["Conv2d", "_ConvNd"] },
        { "Conv1d", ["Conv1d", "_ConvNd"] },
        { "ConvTranspose2d", ["ConvTranspose2d", "_ConvTransposeNd"] },
        { "BatchNorm2d", ["BatchNorm2d", "_BatchNorm"] },
        { "BatchNorm1d", ["BatchNorm1d", "_BatchNorm"] },
        { "InstanceNorm2d", ["InstanceNorm2d", "_InstanceNorm"] },
        { "Linear", ["Linear"] },
        { "GroupNorm", ["GroupNorm"] },
        { "LayerNorm", ["LayerNorm"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void TorchSharpLayersAnswerToPyTorchsNames(string layer, string[] names)
    {
        using var module = Create(layer);

        foreach (var name in names)
        {
            Assert.Contains(name, LayerTypeNames.Of(module));
            Assert.True(LayerTypeNames.Matches(module, [name]), name);
        }

        Assert.DoesNotContain("Module", LayerTypeNames.Of(module));
    }

    [Fact]
    public void FamiliesDoNotLeakAcrossKinds()
    {
        using var conv = nn.Conv2d(3, 4, 3);
        using var transposed = nn.ConvTranspose2d(3, 4, 3);
        using var norm = nn.GroupNorm(2, 4);

        // mmengine matches direct bases only: ConvTranspose2d is a _ConvTransposeNd, not a _ConvNd.
        Assert.False(LayerTypeNames.Matches(transposed, ["_ConvNd", "Conv2d"]));
        Assert.False(LayerTypeNames.Matches(conv, ["_BatchNorm", "Linear"]));
        Assert.False(LayerTypeNames.Matches(norm, ["_BatchNorm"]));
        Assert.False(LayerTypeNames.Matches(conv, []));
    }

    [Fact]
    public void OwnModulesAnswerToTheirClassAndBaseClass()
    {
        using var block = new DerivedBlock();

        Assert.Equal(new[] { nameof(DerivedBlock), nameof(BaseBlock) }, LayerTypeNames.Of(block));
    }

    private static nn.Module Create(string layer) => layer switch
    {
        "Conv2d" => nn.Conv2d(3, 4, 3),
        "Conv1d" => nn.Conv1d(3, 4, 3),
        "ConvTranspose2d" => nn.ConvTranspose2d(3, 4, 3),
        "BatchNorm2d" => nn.BatchNorm2d(4),
        "BatchNorm1d" => nn.BatchNorm1d(4),
        "InstanceNorm2d" => nn.InstanceNorm2d(4, affine: true),
        "Linear" => nn.Linear(3, 4),
        "GroupNorm" => nn.GroupNorm(2, 4),
        "LayerNorm" => nn.LayerNorm(4),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, null),
    };

    private class BaseBlock() : nn.Module<Tensor, Tensor>(nameof(BaseBlock))
    {
        public override Tensor forward(Tensor input) => input;
    }

    private sealed class DerivedBlock : BaseBlock;
}
