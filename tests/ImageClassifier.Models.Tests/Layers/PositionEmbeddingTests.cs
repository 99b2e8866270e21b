using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.TestHelpers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Layers;

/// <summary>
/// mmpretrain's resize_pos_embed against torch's own F.interpolate (bicubic, align_corners=False),
/// applied by tools/fixtures/make_vision_transformer_fixtures.py to a 4 x 4 grid with a class token.
/// </summary>
public sealed class PositionEmbeddingTests
{
    [Theory]
    [InlineData("to_6x6", 6, 6)]
    [InlineData("to_3x5", 3, 5)]
    [InlineData("to_2x2", 2, 2)]
    public void Bicubic_resizing_matches_torchs_interpolate(string key, long height, long width)
    {
        var fixture = TorchCheckpointReader.ReadDictionary(FixturePaths.File("VisionTransformer", "pos_embed_resize.pth"));
        var source = (Tensor)fixture["pos_embed"]!;
        var expected = (Tensor)fixture[key]!;

        using var resized = PositionEmbedding.Resize(source, (4, 4), (height, width));

        Assert.Equal([1L, 1 + (height * width), 8], resized.shape);
        Assert.True(resized[.., 0].equal(source[.., 0]).all().item<bool>(), "the class token's row is kept as it is");
        var difference = (resized - expected).abs().max().item<float>();
        Assert.True(difference < 1e-5f, $"max |ours - torch's| = {difference}");
    }

    [Fact]
    public void The_same_grid_returns_the_embedding_itself()
    {
        using var embedding = randn(1, 5, 3);
        Assert.Same(embedding, PositionEmbedding.Resize(embedding, (2, 2), (2, 2)));
    }

    [Fact]
    public void A_length_that_does_not_fit_the_grid_and_an_unknown_mode_are_refused()
    {
        using var embedding = randn(1, 10, 3);
        Assert.Contains("check img_size", Assert.Throws<ArgumentException>(() => PositionEmbedding.Resize(embedding, (2, 2), (3, 3))).Message, StringComparison.Ordinal);
        using var fits = randn(1, 5, 3);
        Assert.Throws<ArgumentException>(() => PositionEmbedding.Resize(fits, (2, 2), (3, 3), mode: "trilinear"));
    }
}
