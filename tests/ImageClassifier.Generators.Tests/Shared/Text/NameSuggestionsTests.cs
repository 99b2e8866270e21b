using ImageClassifier.Shared.Text;

namespace ImageClassifier.Generators.Tests.Shared.Text;

public sealed class NameSuggestionsTests
{
    private static readonly string[] Backbones = ["ResNet", "ResNet_CIFAR", "ResNetV1c", "MobileNetV2", "VisionTransformer"];

    [Theory]
    [InlineData("resnet_cifar", "ResNet_CIFAR")]
    [InlineData("ResNet_CIFR", "ResNet_CIFAR")]
    [InlineData("ResNte", "ResNet")]
    [InlineData("MobileNet", "MobileNetV2")]
    [InlineData("VisionTrans", "VisionTransformer")]
    public void The_closest_name_comes_first(string typed, string meant) => Assert.Equal(meant, NameSuggestions.Closest(typed, Backbones)[0]);

    [Fact]
    public void A_name_few_edits_away_hides_the_names_that_only_share_a_start()
    {
        Assert.Equal(["ResNet_CIFAR", "ResNet"], NameSuggestions.Rank("ResNet_CIFR", Backbones).Take(2));
        Assert.Equal(["ResNet_CIFAR"], NameSuggestions.Closest("ResNet_CIFR", Backbones));
    }

    [Fact]
    public void An_abbreviation_keeps_a_long_common_start() =>
        Assert.Equal(["GlobalAveragePooling"], NameSuggestions.Closest("GlobalAvgPooling", ["GlobalAveragePooling", "LinearClsHead"]));

    [Fact]
    public void Nothing_close_suggests_nothing()
    {
        Assert.Empty(NameSuggestions.Closest("PluginHead", ["LinearHead", "ClsHead"]));
        Assert.Equal(string.Empty, NameSuggestions.DidYouMean([], MessageText.Quote));
    }

    [Fact]
    public void At_most_three_names_are_offered_best_first_and_each_once()
    {
        var suggestions = NameSuggestions.Rank("ResNet", ["ResNet1", "ResNet2", "ResNet3", "ResNet4", "ResNet1"]);

        Assert.Equal(["ResNet1", "ResNet2", "ResNet3"], suggestions);
        Assert.Equal("did you mean \"ResNet1\", \"ResNet2\" or \"ResNet3\"?", NameSuggestions.DidYouMean(suggestions, MessageText.JsonQuote));
    }

    [Theory]
    [InlineData("depth", "depht", 1)]
    [InlineData("num_classes", "NUM_CLASSES", 0)]
    [InlineData("in_channels", "in_chanels", 1)]
    [InlineData("", "abc", 3)]
    public void Distance_counts_edits_and_swaps_ignoring_case(string a, string b, int expected) => Assert.Equal(expected, NameSuggestions.Distance(a, b));
}
