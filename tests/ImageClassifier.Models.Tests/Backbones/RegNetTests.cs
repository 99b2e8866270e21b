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
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// RegNet against torchvision 0.14's RegNet classes given mmpretrain's widths (Fixtures/RegNet,
/// tools/fixtures/make_regnet_fixtures.py): narrow custom designs converted with the torchvision key
/// map give torchvision's logits, before and after folding the batch norms; every arch has the
/// stage widths, blocks and groups of mmpretrain's rule as the script computes it, and the
/// parameter count of the reference built with them.
/// </summary>
public sealed class RegNetTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-regnet-{Guid.NewGuid():N}");

    public static TheoryData<string> Cases => ["regnet_w8_g12", "regnet_w8_g16_ties"];

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Torchvision_weights_converted_give_torchvisions_logits_within_1e_5_folded_or_not(string name)
    {
        var fixture = Case(name);
        using var model = LoadConverted(fixture);
        Assert.Equal(fixture.GetProperty("parameters").GetInt64(), model.parameters().Sum(parameter => parameter.numel()));
        var io = TorchCheckpointReader.ReadDictionary(File(fixture, "io"));
        var input = (Tensor)io["input"]!;
        var reference = (Tensor)io["logits"]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        model.eval();
        using var noGrad = no_grad();
        using (var logits = model.call(input))
        {
            var difference = (logits - reference).abs().max().item<float>();
            output.WriteLine($"{name}: max |ours - torchvision| = {difference:E2} (logits up to {scale})");
            Assert.True(difference < 1e-5f * scale, $"max |ours - torchvision| = {difference} (logits up to {scale})");
        }

        // Every batch norm follows a conv (stem, block convs, shortcuts), so all of them fold.
        var batchNorms = model.modules().OfType<Models.Layers.BatchNorm2d>().ToArray();
        Assert.NotEmpty(batchNorms);
        Assert.Equal(batchNorms.Length, ConvBatchNormFolding.Fold(model));
        using var folded = model.call(input);
        var foldedDifference = (folded - reference).abs().max().item<float>();
        Assert.True(foldedDifference < 1e-5f * scale, $"folded: max |ours - torchvision| = {foldedDifference} (logits up to {scale})");
    }

    [Fact]
    public void Every_arch_has_the_widths_blocks_and_groups_of_mmpretrains_rule()
    {
        var archs = Fixture().GetProperty("archs").EnumerateArray().ToArray();
        Assert.Equal(RegNetArch.Named.Keys.Order(StringComparer.Ordinal), archs.Select(arch => arch.GetProperty("arch").GetString()!).Order(StringComparer.Ordinal));
        foreach (var arch in archs.Concat(Fixture().GetProperty("cases").EnumerateArray()))
        {
            var settings = arch.GetProperty("settings");
            var design = arch.TryGetProperty("name", out _)
                ? new RegNetArch(settings.GetProperty("w0").GetInt32(), settings.GetProperty("wa").GetDouble(), settings.GetProperty("wm").GetDouble(), settings.GetProperty("depth").GetInt32(), settings.GetProperty("group_w").GetInt32(), settings.GetProperty("bot_mul").GetDouble())
                : RegNetArch.Named[arch.GetProperty("arch").GetString()!];
            var stages = design.Stages();
            var label = arch.GetProperty("arch").GetString();
            Assert.True(Ints(arch, "stage_widths").SequenceEqual(stages.Select(stage => stage.OutChannels)), $"{label}: widths {string.Join(", ", stages.Select(stage => stage.OutChannels))}");
            Assert.Equal(Ints(arch, "stage_blocks"), stages.Select(stage => stage.Blocks));
            Assert.Equal(Ints(arch, "group_widths"), stages.Select(stage => stage.Options.WidthPerGroup));
            Assert.Equal(Ints(arch, "stage_widths").Zip(Ints(arch, "group_widths"), (width, group) => width / group), stages.Select(stage => stage.Options.Groups));
        }

        // mmpretrain and torchvision part where a width is a tie between two multiples of the group
        // width (RegNetX-400MF's last stage: 392 = 24.5 x 16, to 384 or 400) and where the nearest
        // multiple is below 90 % of the width, which torchvision never takes (4.0GF's first stage:
        // 96 = 2.4 x 40, to 80 or 120).
        var differing = archs.Where(arch => !Ints(arch, "stage_widths").SequenceEqual(Ints(arch, "torchvision_stage_widths")))
            .Select(arch => arch.GetProperty("arch").GetString()!).ToArray();
        Assert.Equal(["regnetx_400mf", "regnetx_4.0gf"], differing);
        Assert.Equal([32, 64, 160, 384], RegNetArch.Named["regnetx_400mf"].Stages().Select(stage => stage.OutChannels));
    }

    [Fact]
    public void Full_archs_have_the_references_parameter_counts_and_mmpretrains_published_figures()
    {
        // mmpretrain's model zoo (configs/regnet/metafile.yml), with the 1000-class fc. Its 3.2GF
        // entry reads 3,210,000 ("32.1M"), beside FLOPs of 1.53G: the two figures are garbled; the
        // model has 15.3 M parameters, as torchvision's regnet_x_3_2gf of the same widths does.
        var published = new Dictionary<string, double>
        {
            ["regnetx_400mf"] = 5.16e6, ["regnetx_800mf"] = 7.26e6, ["regnetx_1.6gf"] = 9.19e6, ["regnetx_3.2gf"] = 15.3e6,
            ["regnetx_4.0gf"] = 22.12e6, ["regnetx_6.4gf"] = 26.21e6, ["regnetx_8.0gf"] = 39.57e6, ["regnetx_12gf"] = 46.11e6,
        };
        foreach (var arch in Fixture().GetProperty("archs").EnumerateArray())
        {
            var name = arch.GetProperty("arch").GetString()!;
            var widths = Ints(arch, "stage_widths");
            long count;
            using (var backbone = new RegNetConfig { Arch = name, OutIndices = [0, 1, 2, 3] }.Build())
            {
                Assert.Equal(widths, backbone.FeatureInfo.Select(stage => stage.Channels));
                Assert.Equal(widths, backbone.StageWidths);
                Assert.Equal(Ints(arch, "stage_blocks"), backbone.ResLayers.Select(layer => layer.children().Count()));
                var convs = backbone.named_modules().ToDictionary(pair => pair.name, pair => pair.module);
                var groups = widths.Select((_, stage) => ((Conv2d)convs[$"layer{stage + 1}.0.conv2"]).groups);
                Assert.Equal(widths.Zip(Ints(arch, "group_widths"), (width, group) => (long)(width / group)), groups);
                count = backbone.parameters().Sum(parameter => parameter.numel()) + ((widths[^1] + 1L) * 1000);
            }

            output.WriteLine($"{name}: {count:N0} parameters with a 1000-class fc");
            Assert.Equal(arch.GetProperty("parameters_with_fc1000").GetInt64(), count);
            Assert.InRange(count, published[name] - 5e3, published[name] + 5e3);
            if (arch.TryGetProperty("torchvision_model", out var model) && widths.SequenceEqual(Ints(arch, "torchvision_stage_widths")))
            {
                Assert.Equal(arch.GetProperty("torchvision_model_parameters").GetInt64(), count);
                output.WriteLine($"  = torchvision's {model.GetString()}");
            }
        }
    }

    [Fact]
    public void Keys_are_mmpretrains_and_the_map_places_every_torchvision_key()
    {
        var fixture = Case("regnet_w8_g12");
        using var model = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config"));
        var backbone = ((ImageClassifierModel)model).Backbone!;
        var torchvision = TorchvisionStateDict(fixture);
        var map = new RegNetKeyMap();
        Assert.True(map.Handles(backbone, WeightSource.Torchvision));
        Assert.False(map.Handles(backbone, WeightSource.Timm));
        Assert.False(new ResNetKeyMap().Handles(backbone, WeightSource.Torchvision));
        var mapped = torchvision.Keys.Select(key => map.Map(key, backbone, WeightSource.Torchvision)).ToArray();
        Assert.Equal(model.state_dict().Keys.Order(StringComparer.Ordinal), mapped.Order(StringComparer.Ordinal));
        Assert.Equal("backbone.conv1.weight", map.Map("stem.0.weight", backbone, WeightSource.Torchvision));
        Assert.Equal("backbone.layer3.2.bn2.running_var", map.Map("trunk_output.block3.block3-2.f.b.1.running_var", backbone, WeightSource.Torchvision));
        Assert.Equal("backbone.layer2.0.downsample.1.weight", map.Map("trunk_output.block2.block2-0.proj.1.weight", backbone, WeightSource.Torchvision));

        // RegNetY's squeeze-and-excitation, and a stage key whose two numbers disagree, have no place.
        Assert.Null(map.Map("trunk_output.block1.block1-0.f.se.fc1.weight", backbone, WeightSource.Torchvision));
        Assert.Null(map.Map("trunk_output.block1.block2-0.f.a.0.weight", backbone, WeightSource.Torchvision));
        var withSe = new Dictionary<string, Tensor>(torchvision);
        withSe["trunk_output.block1.block1-0.f.se.fc1.weight"] = zeros(2, 8, 1, 1);
        var error = Assert.Throws<StateDictLoadException>(() => CheckpointConverter.Convert(model, withSe, WeightSource.Torchvision, "regnety.pth"));
        Assert.Contains("f.se.fc1.weight", error.Message);
        Assert.Contains("RegNet", error.Message);
    }

    [Fact]
    public void Torchvisions_regnet_x_400mf_widths_are_refused_by_name_and_shape()
    {
        // torchvision's 400MF ends with 400 channels; converted into mmpretrain's (384), the
        // strict load names the mis-shaped tensors instead of loading a different network.
        var fixture = Case("regnet_w8_g16_ties");
        using var model = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config"));
        var torchvision = TorchvisionStateDict(fixture);
        torchvision["trunk_output.block4.block4-1.f.c.0.weight"] = zeros(48, 32, 1, 1);
        var converted = CheckpointConverter.Convert(model, torchvision, WeightSource.Torchvision);
        var error = Assert.Throws<StateDictLoadException>(() => ModelWeights.Load(model, converted, strict: true));
        Assert.Contains("backbone.layer4.1.conv3.weight", error.Message);
    }

    [Fact]
    public void Outputs_follow_out_indices_and_the_feature_info()
    {
        using var backbone = Narrow(outIndices: [0, 2, 3]);
        Assert.Equal([8, 12, 36, 60], backbone.FeatureInfo.Select(stage => stage.Channels));
        Assert.Equal([4, 8, 16, 32], backbone.FeatureInfo.Select(stage => stage.Reduction));
        Assert.Equal(["layer1", "layer2", "layer3", "layer4"], backbone.FeatureInfo.Select(stage => stage.Module));
        Assert.Equal(3, backbone.InChannels);
        Assert.Null(backbone.Arch);
        Assert.Equal(9, backbone.Depth);
        Assert.Equal(1, backbone.Expansion);
        backbone.eval();
        using var input = randn(1, 3, 64, 64);
        var outputs = backbone.call(input);
        Assert.Equal(3, outputs.Count);
        for (var index = 0; index < outputs.Count; index++)
        {
            var stage = ((IHasFeatureInfo)backbone).OutputFeatureInfo[index];
            Assert.Equal([1L, stage.Channels, 64 / stage.Reduction, 64 / stage.Reduction], outputs[index].shape);
            outputs[index].Dispose();
        }
    }

    [Fact]
    public void The_stem_is_one_3x3_stride_2_conv_and_the_default_init_is_pytorchs_then_zero_init_residual()
    {
        using var backbone = new RegNetConfig { Arch = "regnetx_400mf" }.Build();
        var state = backbone.state_dict();
        Assert.Equal([32L, 3, 3, 3], state["conv1.weight"].shape);
        Assert.Contains("bn1.running_mean", state.Keys);
        Assert.DoesNotContain(state.Keys, key => key.StartsWith("stem.", StringComparison.Ordinal));
        Assert.Equal([384L, 16, 3, 3], state["layer4.11.conv2.weight"].shape);
        Assert.Empty(backbone.InitCfg);

        WeightInitialization.Initialize(backbone);
        Assert.All(backbone.named_parameters().Where(pair => pair.name.EndsWith(".bn3.weight", StringComparison.Ordinal)), pair => Assert.Equal(0f, pair.parameter.abs().max().item<float>()));
        Assert.NotEqual(0f, backbone.state_dict()["layer1.0.bn2.weight"].abs().max().item<float>());
    }

    [Fact]
    public void An_arch_with_overrides_replaces_only_what_is_set()
    {
        // RegNetX-400MF with groups of 8: its quantised widths are multiples of 8 already, so they stay.
        using var regrouped = new RegNetConfig { Arch = "regnetx_400mf", GroupW = 8 }.Build();
        Assert.Equal(new RegNetArch(24, 24.48, 2.54, 22, 8, 1.0), regrouped.Design);
        Assert.Equal("regnetx_400mf", regrouped.Arch);
        Assert.Equal([24, 64, 152, 392], regrouped.StageWidths);
        Assert.Equal(22, regrouped.ResLayers.Sum(layer => layer.children().Count()));
    }

    [Fact]
    public void Bad_designs_and_settings_are_named()
    {
        Assert.Equal("arch must be one of \"regnetx_400mf\", \"regnetx_800mf\", \"regnetx_1.6gf\", \"regnetx_3.2gf\", \"regnetx_4.0gf\", \"regnetx_6.4gf\", \"regnetx_8.0gf\", \"regnetx_12gf\", but got \"regnety_400mf\".",
            Assert.Throws<ConfigValueException>(() => new RegNet("regnety_400mf")).Message);
        Assert.Equal("wm", Assert.Throws<ConfigValueException>(() => new RegNet(w0: 8, wa: 6, depth: 9, groupW: 12)).Member);
        Assert.Equal("w0", Assert.Throws<ConfigValueException>(() => new RegNet(w0: 12, wa: 6, wm: 2, depth: 9, groupW: 12)).Member);
        Assert.Equal("deep_stem", Assert.Throws<ConfigValueException>(() => new RegNet("regnetx_400mf", deepStem: true)).Member);

        // Widths of 8 ... 128 make five stages, one more than RegNet builds.
        var tooDeep = Assert.Throws<ConfigValueException>(() => new RegNet(w0: 8, wa: 8, wm: 2, depth: 16, groupW: 8));
        Assert.Equal("depth", tooDeep.Member);
        Assert.Contains("gives 5 (8, 16, 32, 64, 128)", tooDeep.Message);

        // Three stages, and the default four strides.
        var strides = Assert.Throws<ConfigValueException>(() => new RegNet(w0: 8, wa: 8, wm: 2, depth: 4, groupW: 8));
        Assert.Equal("strides must be 3 items, one per stage (the arch's stage count is 3), but got [2, 2, 2, 2].", strides.Message);
        using var threeStages = new RegNet(w0: 8, wa: 8, wm: 2, depth: 4, groupW: 8, strides: [2, 2, 2], dilations: [1, 1, 1], outIndices: [2]);
        Assert.Equal(3, threeStages.ResLayers.Count);

        Assert.Equal("out_indices[0]", Assert.Throws<ConfigValueException>(() => new RegNet(w0: 8, wa: 8, wm: 2, depth: 4, groupW: 8, strides: [2, 2, 2], dilations: [1, 1, 1])).Member);
    }

    [Fact]
    public void Frozen_stages_and_norm_eval_hold_through_training()
    {
        manual_seed(3);
        using var backbone = new RegNetConfig { W0 = 8, Wa = 6, Wm = 2, Depth = 9, GroupW = 12, StemChannels = 8, FrozenStages = 2, NormEval = true }.Build();
        Probe.AssertFrozenStagesAndNormEval(backbone, channels: 60, "conv1.", "bn1.", "layer1.", "layer2.");
    }

    [Fact]
    public void A_narrow_regnet_learns_fashion_mnist()
    {
        manual_seed(7);
        using var backbone = Narrow();
        FashionMnistProbe.AssertLearns(backbone, channels: 60, output);
    }

    private static RegNet Narrow(int[]? outIndices = null) =>
        new RegNetConfig { W0 = 8, Wa = 6, Wm = 2, Depth = 9, GroupW = 12, StemChannels = 8, OutIndices = outIndices ?? [3] }.Build();

    private Classifier LoadConverted(JsonElement fixture)
    {
        Directory.CreateDirectory(folder);
        var converted = Path.Combine(folder, "converted.pth");
        using (var model = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config")))
        {
            Assert.Equal(model.state_dict().Count, CheckpointConverter.ConvertFile(model, File(fixture, "state_dict"), converted, WeightSource.Torchvision));
        }

        var fresh = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config"));
        Assert.True(ModelWeights.Load(fresh, converted, strict: true).Report.IsExact);
        return fresh;
    }

    private static Dictionary<string, Tensor> TorchvisionStateDict(JsonElement fixture) =>
        TorchCheckpointReader.ReadDictionary(File(fixture, "state_dict")).ToDictionary(pair => pair.Key, pair => (Tensor)pair.Value!);

    private static int[] Ints(JsonElement element, string property) => [.. element.GetProperty(property).EnumerateArray().Select(item => item.GetInt32())];

    private static JsonElement Case(string name) =>
        Fixture().GetProperty("cases").EnumerateArray().Single(item => item.GetProperty("name").GetString() == name);

    private static JsonElement Fixture() =>
        JsonDocument.Parse(System.IO.File.ReadAllText(FixturePaths.File("RegNet", "cases.json"))).RootElement;

    private static string File(JsonElement fixture, string kind) => FixturePaths.File("RegNet", fixture.GetProperty(kind).GetString()!);
}
