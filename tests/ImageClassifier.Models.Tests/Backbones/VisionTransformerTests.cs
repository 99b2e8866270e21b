using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// mmpretrain's VisionTransformer. The numbers come from torchvision 0.14 (Fixtures/VisionTransformer,
/// tools/fixtures/make_vision_transformer_fixtures.py): its own VisionTransformer class at a small
/// size for the logits, its vit_b_16 and vit_l_16 for the full archs' parameter counts, the same class
/// with DeiT's numbers for the deit archs, and torch's F.interpolate (bicubic) for the resized
/// position embedding.
/// </summary>
public sealed class VisionTransformerTests(ITestOutputHelper output) : IDisposable
{
    private static readonly JsonElement Fixtures = JsonDocument.Parse(File.ReadAllText(FixturePaths.File("VisionTransformer", "cases.json"))).RootElement;

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-vit-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("tv_vit_tiny")]
    [InlineData("tv_vit_tiny_pre_logits")]
    public void Torchvision_weights_converted_give_torchvisions_logits_within_1e_5(string name)
    {
        var fixture = Case(name);
        using var model = Converted(fixture, fixture.GetProperty("config"));
        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("VisionTransformer", fixture.GetProperty("io").GetString()!));

        AssertLogits(model, (Tensor)io["input"]!, (Tensor)io["logits"]!, name);
    }

    [Theory]
    [InlineData("tv_vit_tiny")]
    [InlineData("tv_vit_tiny_pre_logits")]
    public void Another_image_size_interpolates_the_position_embedding_at_forward(string name)
    {
        // The 32 x 32 model on 48 x 48 images: its 4 x 4 embedding is resized to 6 x 6 on the fly,
        // as the fixture resized torchvision's with F.interpolate.
        var fixture = Case(name);
        using var model = Converted(fixture, fixture.GetProperty("config"));
        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("VisionTransformer", fixture.GetProperty("io").GetString()!));

        AssertLogits(model, (Tensor)io["input_48"]!, (Tensor)io["logits_48"]!, name + " at 48");
    }

    [Fact]
    public void A_checkpoint_made_at_another_size_is_resized_when_it_is_loaded()
    {
        var fixture = Case("tv_vit_tiny");
        var converted = Path.Combine(folder, "vit32.pth");
        Directory.CreateDirectory(folder);
        using (var at32 = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config")))
        {
            CheckpointConverter.ConvertFile(at32, FixturePaths.File("VisionTransformer", "tv_vit_tiny.pth"), converted, WeightSource.Torchvision);
        }

        var config = JsonDocument.Parse(fixture.GetProperty("config").GetRawText().Replace("\"img_size\": 32", "\"img_size\": 48", StringComparison.Ordinal)).RootElement;
        using var at48 = ZooConfigBinder.BuildClassifier(config);
        var backbone = (VisionTransformer)((ImageClassifierModel)at48).Backbone;
        Assert.Equal((6L, 6L), backbone.PatchResolution);

        Assert.True(ModelWeights.Load(at48, converted, strict: true).Report.IsExact);
        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("VisionTransformer", "tv_vit_tiny.io.pth"));
        AssertLogits(at48, (Tensor)io["input_48"]!, (Tensor)io["logits_48"]!, "loaded at 48");
    }

    [Fact]
    public void A_checkpoint_with_a_class_token_row_loads_into_a_model_without_a_class_token()
    {
        using var source = new VisionTransformerConfig { Arch = "deit-t", ImgSize = 32, PatchSize = 8, NumLayers = 1, OutType = "featmap" }.Build();
        using var target = new VisionTransformerConfig { Arch = "deit-t", ImgSize = 32, PatchSize = 8, NumLayers = 1, OutType = "featmap", WithClsToken = false }.Build();
        var state = source.state_dict().Where(entry => entry.Key != "cls_token").ToDictionary(entry => entry.Key, entry => entry.Value);

        var report = StateDictLoader.Load(target, state, strict: true);

        Assert.True(report.IsExact);
        Assert.True(target.state_dict()["pos_embed"].equal(source.state_dict()["pos_embed"][.., 1..]).all().item<bool>());
    }

    [Theory]
    [InlineData("b", "vit_b_16")]
    [InlineData("l", "vit_l_16")]
    [InlineData("deit-tiny", "deit-tiny")]
    [InlineData("deit-small", "deit-small")]
    [InlineData("deit-base", "deit-base")]
    public void The_full_archs_have_torchvisions_parameter_count(string arch, string reference)
    {
        var expected = Fixtures.GetProperty("parameter_counts").GetProperty(reference).GetInt64();
        int width;
        long count;
        using (var backbone = (VisionTransformer)new VisionTransformerConfig { Arch = arch }.Build())
        {
            width = backbone.EmbedDims;
            count = backbone.parameters().Sum(parameter => parameter.numel());
        }

        // torchvision's model is backbone and a 1000-class head on the class token.
        count += ((long)width * 1000) + 1000;
        output.WriteLine($"{arch}: {count:N0} parameters, torchvision {expected:N0}");
        Assert.Equal(expected, count);
    }

    [Theory]
    [InlineData("s", 768, 8, 8, 2304)]
    [InlineData("small", 768, 8, 8, 2304)]
    [InlineData("b", 768, 12, 12, 3072)]
    [InlineData("base", 768, 12, 12, 3072)]
    [InlineData("l", 1024, 24, 16, 4096)]
    [InlineData("large", 1024, 24, 16, 4096)]
    [InlineData("deit-t", 192, 12, 3, 768)]
    [InlineData("deit-tiny", 192, 12, 3, 768)]
    [InlineData("deit-s", 384, 12, 6, 1536)]
    [InlineData("deit-small", 384, 12, 6, 1536)]
    [InlineData("deit-b", 768, 12, 12, 3072)]
    [InlineData("deit-base", 768, 12, 12, 3072)]
    public void The_arch_table_is_mmpretrains(string arch, int embedDims, int numLayers, int numHeads, int feedforwardChannels)
    {
        // Built twice, each small: the dict form's members replace the arch's values, the rest stay.
        using (var oneLayer = (VisionTransformer)new VisionTransformerConfig { Arch = arch, NumLayers = 1, ImgSize = 32 }.Build())
        {
            Assert.Equal((embedDims, numHeads, feedforwardChannels), (oneLayer.EmbedDims, oneLayer.NumHeads, oneLayer.FeedforwardChannels));
        }

        using var narrow = (VisionTransformer)new VisionTransformerConfig { Arch = arch, ImgSize = 16, EmbedDims = 8, NumHeads = 1, FeedforwardChannels = 8 }.Build();
        Assert.Equal(numLayers, narrow.NumLayers);
    }

    [Fact]
    public void Unknown_archs_out_types_and_stages_are_rejected_naming_the_member()
    {
        Assert.Equal("arch", Assert.Throws<ConfigValueException>(() => new VisionTransformer(arch: "huge-ish")).Member);
        Assert.Equal("out_type", Assert.Throws<ConfigValueException>(() => new VisionTransformer(arch: "deit-t", outType: "tokens")).Member);
        Assert.Equal("with_cls_token", Assert.Throws<ConfigValueException>(() => new VisionTransformer(arch: "deit-t", withClsToken: false)).Member);
        Assert.Equal("out_indices[0]", Assert.Throws<ConfigValueException>(() => new VisionTransformer(arch: "deit-t", outIndices: [12])).Member);
        Assert.Equal("out_indices[0]", Assert.Throws<ConfigValueException>(() => new VisionTransformer(arch: "deit-t", outIndices: [-13])).Member);
        Assert.Equal("frozen_stages", Assert.Throws<ConfigValueException>(() => new VisionTransformer(arch: "deit-t", frozenStages: 13)).Member);
        Assert.Equal("num_heads", Assert.Throws<ConfigValueException>(() => new VisionTransformer(arch: "deit-t", numHeads: 5)).Member);
    }

    [Fact]
    public void State_dict_keys_are_mmpretrains()
    {
        using var backbone = Tiny(outType: "avg_featmap");
        var shapes = backbone.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.shape);

        Assert.Equal(
            [
                "cls_token", "ln1.bias", "ln1.weight", "ln2.bias", "ln2.weight",
                "patch_embed.projection.bias", "patch_embed.projection.weight", "pos_embed",
            ],
            shapes.Keys.Where(key => !key.StartsWith("layers.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(
            [
                "attn.proj.bias", "attn.proj.weight", "attn.qkv.bias", "attn.qkv.weight",
                "ffn.layers.0.0.bias", "ffn.layers.0.0.weight", "ffn.layers.1.bias", "ffn.layers.1.weight",
                "ln1.bias", "ln1.weight", "ln2.bias", "ln2.weight",
            ],
            shapes.Keys.Where(key => key.StartsWith("layers.1.", StringComparison.Ordinal)).Select(key => key["layers.1.".Length..]).Order(StringComparer.Ordinal));
        Assert.Equal([1L, 1 + 16, 32], shapes["pos_embed"]);
        Assert.Equal([96L, 32], shapes["layers.0.attn.qkv.weight"]);
        Assert.Equal([64L, 32], shapes["layers.0.ffn.layers.0.0.weight"]);
        Assert.DoesNotContain(shapes.Keys, key => key.StartsWith("layers.2.", StringComparison.Ordinal));
    }

    [Fact]
    public void Layer_scale_adds_mmpretrains_gamma_keys_at_its_init_value()
    {
        using var backbone = new VisionTransformerConfig { Arch = "deit-t", ImgSize = 32, PatchSize = 8, NumLayers = 2, LayerScaleInitValue = 0.1 }.Build();
        using var plain = Tiny();
        var state = backbone.state_dict();
        var added = state.Keys.Except(plain.state_dict().Keys).Order(StringComparer.Ordinal);

        Assert.Equal(["layers.0.attn.gamma1.weight", "layers.0.ffn.gamma2.weight", "layers.1.attn.gamma1.weight", "layers.1.ffn.gamma2.weight"], added);
        Assert.Equal([192L], state["layers.1.ffn.gamma2.weight"].shape);
        Assert.True(state["layers.0.attn.gamma1.weight"].eq(0.1f).all().item<bool>());
        Assert.Equal("layer_scale_init_value", Assert.Throws<ConfigValueException>(() => new VisionTransformer(arch: "deit-t", layerScaleInitValue: -1)).Member);
    }

    [Fact]
    public void Layer_scale_gives_the_float64_references_logits_within_1e_5()
    {
        // The reference is tools/fixtures/make_deit_fixtures.py's explicit encoder (torchvision has
        // no layer scale): each residual branch times its per-channel factors before it is added.
        var fixture = DistilledVisionTransformerTests.Case("vit_tiny_layer_scale");
        using var model = DistilledVisionTransformerTests.Loaded(fixture.GetProperty("config"), fixture);
        var io = TorchCheckpointReader.ReadDictionary(FixturePaths.File("DeiT", fixture.GetProperty("io").GetString()!));

        DistilledVisionTransformerTests.AssertLogits(output, model, (Tensor)io["input"]!, (Tensor)io["logits"]!, "layer scale");
    }

    [Fact]
    public void Timms_layer_scale_vit_converted_gives_timms_logits_within_1e_5()
    {
        // timm's blocks.N.ls1.gamma / ls2.gamma are attn.gamma1.weight / ffn.gamma2.weight here.
        using var model = DistilledVisionTransformerTests.ConvertedFromTimm(output, DistilledVisionTransformerTests.Case("timm_vit_tiny_layer_scale"), folder);
        Assert.Equal(4, model.state_dict().Keys.Count(key => key.Contains(".gamma", StringComparison.Ordinal)));
    }

    [Fact]
    public void Pre_norm_drops_the_projection_bias_and_adds_a_norm()
    {
        using var backbone = new VisionTransformerConfig { Arch = "deit-t", ImgSize = 32, PatchSize = 8, NumLayers = 1, PreNorm = true, FinalNorm = false }.Build();
        var keys = backbone.state_dict().Keys.ToHashSet();

        Assert.Contains("pre_norm.weight", keys);
        Assert.DoesNotContain("patch_embed.projection.bias", keys);
        Assert.DoesNotContain("ln1.weight", keys);
    }

    [Theory]
    [InlineData("cls_token", new long[] { 2, 32 })]
    [InlineData("featmap", new long[] { 2, 32, 4, 4 })]
    [InlineData("avg_featmap", new long[] { 2, 32 })]
    [InlineData("raw", new long[] { 2, 17, 32 })]
    public void Each_out_type_gives_its_shape_and_out_indices_pick_layers(string outType, long[] shape)
    {
        using var backbone = Tiny(outType: outType, outIndices: [-1, 0, 1]);
        backbone.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var outputs = backbone.call(randn(2, 3, 32, 32));

        // -1 is layer 1, given once: layers 0 and 1, shallowest first.
        Assert.Equal([0, 1], ((IHasFeatureInfo)backbone).OutIndices);
        Assert.Equal(2, outputs.Count);
        Assert.All(outputs, feature => Assert.Equal(shape, feature.shape));
        Assert.False(outputs[0].allclose(outputs[1]));
        var info = ((IHasFeatureInfo)backbone).OutputFeatureInfo;
        Assert.Equal(["layers.0", "layers.1"], info.Select(entry => entry.Module));
        Assert.All(info, entry => Assert.Equal((32, 8), (entry.Channels, entry.Reduction)));
    }

    [Fact]
    public void The_featmap_of_an_uneven_image_follows_the_padded_patch_grid()
    {
        using var backbone = Tiny(outType: "featmap");
        backbone.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        // mmcv's corner padding: 36 x 20 pixels are 5 x 3 patches of 8.
        Assert.Equal([1L, 32, 5, 3], backbone.call(randn(1, 3, 36, 20))[^1].shape);
    }

    [Fact]
    public void Frozen_stages_freeze_the_embeddings_and_the_first_layers_through_train_calls()
    {
        using var backbone = Tiny(frozenStages: 1);
        backbone.train();
        var trainable = backbone.named_parameters().Where(entry => entry.parameter.requires_grad).Select(entry => entry.name).ToList();

        Assert.All(trainable, name => Assert.True(name.StartsWith("layers.1.", StringComparison.Ordinal) || name.StartsWith("ln1.", StringComparison.Ordinal), name));
        Assert.Contains("layers.1.attn.qkv.weight", trainable);
        Assert.False(backbone.Layers[0].training);
        Assert.True(backbone.Layers[1].training);

        using var all = Tiny(frozenStages: 2);
        Assert.DoesNotContain(all.parameters(), parameter => parameter.requires_grad);
        using var none = Tiny(frozenStages: 0);
        Assert.All(none.parameters(), parameter => Assert.True(parameter.requires_grad));
    }

    [Fact]
    public void Layer_depths_number_the_embeddings_then_each_layer_then_the_rest()
    {
        using var backbone = Tiny();
        Assert.Equal((0, 4), backbone.GetLayerDepth("backbone.cls_token", "backbone."));
        Assert.Equal((0, 4), backbone.GetLayerDepth("backbone.pos_embed", "backbone."));
        Assert.Equal((0, 4), backbone.GetLayerDepth("backbone.patch_embed.projection.weight", "backbone."));
        Assert.Equal((2, 4), backbone.GetLayerDepth("backbone.layers.1.attn.qkv.weight", "backbone."));
        Assert.Equal((3, 4), backbone.GetLayerDepth("backbone.ln1.weight", "backbone."));
        Assert.Equal((3, 4), backbone.GetLayerDepth("head.layers.head.weight", "backbone."));
    }

    [Fact]
    public void Drop_path_grows_linearly_to_the_rate_of_the_last_layer_and_applies_in_training_only()
    {
        using var backbone = new VisionTransformerConfig { Arch = "deit-t", ImgSize = 32, PatchSize = 8, NumLayers = 3, DropPathRate = 0.2 }.Build();
        var rates = backbone.modules().OfType<TransformerEncoderLayer>()
            .Select(layer => layer.modules().OfType<DropPath>().Select(drop => drop.DropProb).Distinct().SingleOrDefault())
            .ToArray();
        Assert.Equal([0, 0.1, 0.2], rates.Select(rate => Math.Round(rate, 10)));

        using var scope = NewDisposeScope();
        using var input = randn(2, 3, 32, 32);
        backbone.eval();
        Assert.True(backbone.call(input)[0].equal(backbone.call(input)[0]).all().item<bool>());
    }

    [Fact]
    public void Initialisation_draws_the_position_embedding_and_the_feed_forward_layers_as_mmpretrain()
    {
        using var backbone = new VisionTransformerConfig { Arch = "deit-t", ImgSize = 224, NumLayers = 1 }.Build();
        WeightInitialization.Initialize(backbone);
        var state = backbone.state_dict();

        var std = TruncNormalStd(state["pos_embed"], 0.02);
        Assert.InRange(std, 0.018f, 0.022f);
        Assert.True(state["layers.0.ffn.layers.0.0.bias"].abs().max().item<float>() < 1e-4f);
        var bound = Math.Sqrt(6.0 / (192 + 768));
        Assert.True(state["layers.0.ffn.layers.0.0.weight"].abs().max().item<float>() <= bound + 1e-6);
        Assert.True(state["cls_token"].abs().max().item<float>() == 0);
    }

    [Fact]
    public void A_tiny_vision_transformer_learns_on_fashion_mnist()
    {
        // 28 x 28 images, corner-padded to 32: the 4 x 4 patch grid img_size 32 was made for.
        manual_seed(7);
        using var backbone = Tiny(outType: "featmap");
        FashionMnistProbe.AssertLearns(backbone, channels: 32, output);
    }

    /// <summary>
    /// The standard deviation of a draw from N(0, <paramref name="std"/>²) truncated far out, without
    /// the values at the truncation bounds: the inverse-CDF construction (PyTorch's and ours) maps a
    /// uniform draw that lands exactly on its lower end (2^-24 per float32 value, about 1 in 450 for a
    /// ViT-Ti position embedding) to -inf, clamped to the bound, which alone moves the estimate by 10 %.
    /// </summary>
    internal static float TruncNormalStd(Tensor drawn, double std)
    {
        using var inside = drawn.masked_select(drawn.abs() < 10 * std);
        Assert.True(inside.numel() >= drawn.numel() - 2, "more than two values at the truncation bounds");
        return inside.std().item<float>();
    }

    private static VisionTransformer Tiny(string outType = "cls_token", int[]? outIndices = null, int frozenStages = -1) =>
        (VisionTransformer)new VisionTransformerConfig
        {
            Arch = "deit-t",
            ImgSize = 32,
            PatchSize = 8,
            EmbedDims = 32,
            NumLayers = 2,
            NumHeads = 4,
            FeedforwardChannels = 64,
            OutType = outType,
            OutIndices = outIndices ?? [-1],
            FrozenStages = frozenStages,
        }.Build();

    private static JsonElement Case(string name) =>
        Fixtures.GetProperty("cases").EnumerateArray().Single(entry => entry.GetProperty("name").GetString() == name);

    private Classifier Converted(JsonElement fixture, JsonElement config)
    {
        Directory.CreateDirectory(folder);
        var converted = Path.Combine(folder, fixture.GetProperty("name").GetString() + ".pth");
        using (var model = ZooConfigBinder.BuildClassifier(config))
        {
            var count = CheckpointConverter.ConvertFile(model, FixturePaths.File("VisionTransformer", fixture.GetProperty("state_dict").GetString()!), converted, WeightSource.Torchvision);
            Assert.Equal(model.state_dict().Count, count);
        }

        var fresh = ZooConfigBinder.BuildClassifier(config);
        Assert.True(ModelWeights.Load(fresh, converted, strict: true).Report.IsExact);
        return fresh;
    }

    private void AssertLogits(Classifier model, Tensor input, Tensor reference, string name)
    {
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.call(input);
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        output.WriteLine($"{name}: max |ours - torchvision's| = {difference}");
        Assert.True(reference.abs().max().item<float>() > 0.1f, "the reference logits are not trivial");
        Assert.True(difference < 1e-5f * scale, $"{name}: max |ours - torchvision's| = {difference} (logits up to {scale})");
    }
}
