using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// mmpretrain's DistilledVisionTransformer with DeiTClsHead. torchvision has no DeiT, so the logits
/// come from the float64 PyTorch reference in tools/fixtures/make_deit_fixtures.py (Fixtures/DeiT):
/// the model written out from the DeiT paper's definition (whose encoder the script checks against
/// torchvision 0.14's ViT Encoder), weights saved with mmpretrain's keys, the position embedding
/// resized with torch's F.interpolate for the 48 x 48 inputs. The same script runs timm's own
/// VisionTransformerDistilled (from its source), whose state dict, converted by the timm key map,
/// must give timm's logits.
/// </summary>
public sealed class DistilledVisionTransformerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-deit-{Guid.NewGuid():N}");

    private static readonly JsonElement Fixtures = JsonDocument.Parse(File.ReadAllText(FixturePaths.File("DeiT", "cases.json"))).RootElement;

    [Theory]
    [InlineData("deit_tiny")]
    [InlineData("deit_tiny_layer_scale_pre_logits")]
    public void Reference_weights_give_the_references_logits_within_1e_5(string name)
    {
        var fixture = Case(name);
        using var model = Loaded(fixture.GetProperty("config"), fixture);
        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("DeiT", fixture.GetProperty("io").GetString()!));

        AssertLogits(output, model, (Tensor)io["input"]!, (Tensor)io["logits"]!, name);
        AssertLogits(output, model, (Tensor)io["input_48"]!, (Tensor)io["logits_48"]!, name + " at 48 (position embedding resized at forward)");
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Timms_distilled_deit_converted_gives_timms_logits_within_1e_5()
    {
        var fixture = Case("timm_deit_tiny_distilled");
        using var model = ConvertedFromTimm(output, fixture, folder);
        var timm = TorchCheckpointReader.ReadDictionary(FixturePaths.File("DeiT", fixture.GetProperty("state_dict").GetString()!));

        Assert.True(model.state_dict()["backbone.dist_token"].equal((Tensor)timm["dist_token"]!).all().item<bool>());
        Assert.True(model.state_dict()["head.layers.head_dist.weight"].equal((Tensor)timm["head_dist.weight"]!).all().item<bool>());
    }

    [Fact]
    public void A_checkpoint_made_at_another_size_is_resized_past_both_tokens_when_it_is_loaded()
    {
        var fixture = Case("deit_tiny");
        var config = JsonDocument.Parse(fixture.GetProperty("config").GetRawText().Replace("\"img_size\": 32", "\"img_size\": 48", StringComparison.Ordinal)).RootElement;
        using var model = Loaded(config, fixture);
        Assert.Equal((6L, 6L), ((DistilledVisionTransformer)((ImageClassifierModel)model).Backbone).PatchResolution);

        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("DeiT", "deit_tiny.io.pth"));
        AssertLogits(output, model, (Tensor)io["input_48"]!, (Tensor)io["logits_48"]!, "loaded at 48");
    }

    [Fact]
    public void State_dict_keys_are_the_vision_transformers_and_the_distillation_token()
    {
        using var distilled = Tiny();
        using var plain = new VisionTransformerConfig { Arch = "deit-tiny", ImgSize = 32, PatchSize = 8, EmbedDims = 32, NumLayers = 2, NumHeads = 4, FeedforwardChannels = 64 }.Build();
        var shapes = distilled.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.shape);

        Assert.Equal(plain.state_dict().Keys.Append("dist_token").Order(StringComparer.Ordinal), shapes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([1L, 1, 32], shapes["dist_token"]);
        Assert.Equal([1L, 2 + 16, 32], shapes["pos_embed"]);
        Assert.Equal(2, distilled.NumExtraTokens);
    }

    [Fact]
    public void The_cls_token_output_pairs_both_tokens_channels_first_and_the_patch_outputs_skip_them()
    {
        using var raw = Tiny(outType: "raw");
        using var pair = Tiny(outType: "cls_token");
        using var featmap = Tiny(outType: "featmap");
        using (no_grad())
        {
            // Away from their zero start, so that the two tokens differ.
            raw.DistToken.normal_(0, 1);
            raw.get_parameter("cls_token")!.normal_(0, 1);
        }

        var state = raw.state_dict();
        pair.load_state_dict(state);
        featmap.load_state_dict(state);
        foreach (var module in new[] { raw, pair, featmap })
        {
            module.eval();
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = randn(2, 3, 32, 32);
        var tokens = raw.call(input)[0];
        var tokensPair = pair.call(input)[0];
        var map = featmap.call(input)[0];

        Assert.Equal([2L, 2 + 16, 32], tokens.shape);
        Assert.Equal([2L, 32, 2], tokensPair.shape);
        Assert.True(tokensPair[.., .., 0].equal(tokens[.., 0]).all().item<bool>());
        Assert.True(tokensPair[.., .., 1].equal(tokens[.., 1]).all().item<bool>());
        Assert.False(tokensPair[.., .., 0].allclose(tokensPair[.., .., 1]));
        Assert.Equal([2L, 32, 4, 4], map.shape);
        Assert.True(map.flatten(2).transpose(1, 2).equal(tokens[.., 2..]).all().item<bool>());
    }

    [Fact]
    public void Only_the_deit_archs_are_offered_and_they_are_mmpretrains()
    {
        var exception = Assert.Throws<ConfigValueException>(() => new DistilledVisionTransformer(arch: "b"));
        Assert.Equal("arch", exception.Member);
        Assert.Contains("deit-small", exception.Message, StringComparison.Ordinal);
        Assert.Equal("out_type", Assert.Throws<ConfigValueException>(() => new DistilledVisionTransformer(arch: "deit-tiny", outType: "tokens")).Member);

        Assert.Equal("arch", Assert.Throws<ConfigValueException>(() => new DistilledVisionTransformer(arch: "deit-t")).Member);
        foreach (var (arch, dims, heads) in new[] { ("deit-tiny", 192, 3), ("deit-small", 384, 6), ("deit-base", 768, 12) })
        {
            using var backbone = (DistilledVisionTransformer)new DistilledVisionTransformerConfig { Arch = arch, ImgSize = 32, NumLayers = 1 }.Build();
            Assert.Equal((dims, heads, dims * 4), (backbone.EmbedDims, backbone.NumHeads, backbone.FeedforwardChannels));
        }

        Assert.Equal("deit-base", new DistilledVisionTransformerConfig().Arch);
    }

    [Theory]
    [InlineData("deit-tiny", 5.91)]
    [InlineData("deit-small", 22.44)]
    [InlineData("deit-base", 87.34)]
    public void The_full_models_have_mmpretrains_published_parameter_counts(string arch, double millions)
    {
        // mmpretrain's DeiT README lists the distilled models (backbone and a 1000-class DeiTClsHead)
        // in millions of parameters, to two decimals.
        long backboneCount, headCount;
        var config = new DistilledVisionTransformerConfig { Arch = arch };
        using (var backbone = (DistilledVisionTransformer)config.Build())
        {
            backboneCount = backbone.parameters().Sum(parameter => parameter.numel());
            using var head = new DeiTClsHeadConfig { NumClasses = 1000, InChannels = backbone.EmbedDims }.Build();
            headCount = head.parameters().Sum(parameter => parameter.numel());
        }

        var estimate = config.EstimateParameters().Count;
        output.WriteLine($"{arch}: {backboneCount + headCount:N0} parameters; the backbone's {backboneCount:N0}, its config's estimate {estimate:N0}");
        Assert.Equal(millions, Math.Round((backboneCount + headCount) / 1e6, 2));

        // The estimate leaves out biases and norms: within 1 % of the backbone.
        Assert.InRange(estimate, 0.99 * backboneCount, backboneCount);
    }

    [Fact]
    public void Frozen_stages_freeze_the_distillation_token_with_the_other_embeddings()
    {
        using var backbone = Tiny(frozenStages: 1);
        backbone.train();

        Assert.False(backbone.DistToken.requires_grad);
        Assert.All(
            backbone.named_parameters().Where(entry => entry.parameter.requires_grad),
            entry => Assert.True(entry.name.StartsWith("layers.1.", StringComparison.Ordinal) || entry.name.StartsWith("ln1.", StringComparison.Ordinal), entry.name));
        using var none = Tiny(frozenStages: 0);
        Assert.True(none.DistToken.requires_grad);
        Assert.Equal((0, 4), none.GetLayerDepth("backbone.dist_token", "backbone."));
    }

    [Fact]
    public void Initialisation_draws_the_distillation_token_as_mmpretrain_unless_pretrained()
    {
        using var backbone = (DistilledVisionTransformer)new DistilledVisionTransformerConfig { Arch = "deit-base", ImgSize = 32, NumLayers = 1 }.Build();
        WeightInitialization.Initialize(backbone);

        // N(0, 0.02²) over 768 values, truncated at ±2 (100 standard deviations).
        Assert.InRange(VisionTransformerTests.TruncNormalStd(backbone.DistToken, 0.02), 0.017f, 0.023f);
        Assert.Equal(0f, backbone.state_dict()["cls_token"].abs().max().item<float>());
    }

    [Fact]
    public void A_tiny_distilled_deit_learns_on_fashion_mnist_through_its_head()
    {
        // 28 x 28 images, corner-padded to 32: the 4 x 4 patch grid img_size 32 was made for. The
        // whole classifier trains, as mmpretrain trains it: the loss of the mean of both tokens' scores.
        manual_seed(7);
        using var model = (ImageClassifierModel)ZooConfigBinder.BuildClassifier(JsonDocument.Parse("""
            {"type": "ImageClassifier",
             "backbone": {"type": "DistilledVisionTransformer", "arch": "deit-tiny", "img_size": 32, "patch_size": 8,
                          "embed_dims": 32, "num_layers": 2, "num_heads": 4, "feedforward_channels": 64},
             "head": {"type": "DeiTClsHead", "num_classes": 10, "in_channels": 32}}
            """).RootElement);
        var log = new StringWriter();
        ((DeiTClsHead)model.Head!).Log = log;
        model.train();

        var losses = FashionMnistProbe.TrainClassifierSteps(model, steps: 8);
        output.WriteLine(string.Join(" -> ", losses.Select(loss => loss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))));

        Assert.All(losses, loss => Assert.True(double.IsFinite(loss)));
        Assert.True(losses.Skip(1).Min() < 0.9 * losses[0], $"the loss never fell below 90 % of its start {losses[0]}");
        Assert.All(model.parameters(), parameter => Assert.NotNull(parameter.grad));
        Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("without a teacher", log.ToString(), StringComparison.Ordinal);
    }

    internal static JsonElement Case(string name) =>
        Fixtures.GetProperty("cases").EnumerateArray().Single(entry => entry.GetProperty("name").GetString() == name);

    /// <summary>The model <paramref name="config"/> builds, with the fixture's weights loaded strictly.</summary>
    internal static Classifier Loaded(JsonElement config, JsonElement fixture)
    {
        var model = ZooConfigBinder.BuildClassifier(config);
        Assert.True(ModelWeights.Load(model, FixturePaths.File("DeiT", fixture.GetProperty("state_dict").GetString()!), strict: true).Report.IsExact);
        return model;
    }

    /// <summary>
    /// The model of a timm case's config with timm's state dict converted (every tensor placed, loaded
    /// strictly), after its logits are checked against timm's.
    /// </summary>
    internal static Classifier ConvertedFromTimm(ITestOutputHelper output, JsonElement fixture, string folder)
    {
        Directory.CreateDirectory(folder);
        var name = fixture.GetProperty("name").GetString()!;
        var converted = Path.Combine(folder, name + ".pth");
        var config = fixture.GetProperty("config");
        using (var source = ZooConfigBinder.BuildClassifier(config))
        {
            var count = CheckpointConverter.ConvertFile(source, FixturePaths.File("DeiT", fixture.GetProperty("state_dict").GetString()!), converted, WeightSource.Timm);
            Assert.Equal(source.state_dict().Count, count);
        }

        var model = ZooConfigBinder.BuildClassifier(config);
        Assert.True(ModelWeights.Load(model, converted, strict: true).Report.IsExact);
        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("DeiT", fixture.GetProperty("io").GetString()!));
        AssertLogits(output, model, (Tensor)io["input"]!, (Tensor)io["logits"]!, name + " (timm's logits)");
        return model;
    }

    /// <summary>The model's logits on <paramref name="input"/> against the float64 reference, within 1e-5 of their scale.</summary>
    internal static void AssertLogits(ITestOutputHelper output, Classifier model, Tensor input, Tensor reference, string name)
    {
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.call(input);

        // The reference fixtures hold float64 logits, timm's float32.
        using var expected = reference.to_type(ScalarType.Float64);
        var scale = Math.Max(1.0, expected.abs().max().item<double>());
        var difference = (logits.to_type(ScalarType.Float64) - expected).abs().max().item<double>();
        output.WriteLine($"{name}: max |ours - reference| = {difference:E2} (logits up to {scale:F2})");
        Assert.True(expected.abs().max().item<double>() > 0.1, "the reference logits are not trivial");
        Assert.True(difference < 1e-5 * scale, $"{name}: max |ours - reference| = {difference} (logits up to {scale})");
    }

    private static DistilledVisionTransformer Tiny(string outType = "cls_token", int frozenStages = -1) =>
        (DistilledVisionTransformer)new DistilledVisionTransformerConfig
        {
            Arch = "deit-tiny",
            ImgSize = 32,
            PatchSize = 8,
            EmbedDims = 32,
            NumLayers = 2,
            NumHeads = 4,
            FeedforwardChannels = 64,
            OutType = outType,
            FrozenStages = frozenStages,
        }.Build();
}
