using System.Text.Json;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;
using ImageClassifier.Models.Weights;
using ImageClassifier.Models.Weights.Converters;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Weights.Converters;

/// <summary>
/// torchvision 0.14 and timm models (Fixtures/Conversion, tools/fixtures/make_conversion_fixtures.py and
/// make_timm_conversion_fixtures.py) converted into the model their mmpretrain config builds give the
/// library's logits.
/// </summary>
public sealed class CheckpointConverterTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-convert-{Guid.NewGuid():N}");

    public CheckpointConverterTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string, WeightSource> Conversions => new()
    {
        { "tv_resnet18_w8", WeightSource.Torchvision },
        { "tv_resnet50_w8", WeightSource.Torchvision },
        { "tv_mobilenet_v2_w025", WeightSource.Torchvision },

        // timm's ResNets name their keys as torchvision's.
        { "tv_resnet18_w8", WeightSource.Timm },

        // timm's own source (tools/fixtures/make_timm_conversion_fixtures.py): deep stems and MobileNetV2.
        { "timm_resnet50d_w8", WeightSource.Timm },
        { "timm_resnet50c_w8", WeightSource.Timm },
        { "timm_mobilenetv2_025", WeightSource.Timm },
    };

    [Theory]
    [MemberData(nameof(Conversions))]
    public void Converted_weights_give_the_librarys_logits_within_1e_5(string name, WeightSource source)
    {
        var fixture = Case(name);
        var converted = Path.Combine(folder, name + ".pth");
        using (var model = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config")))
        {
            var count = CheckpointConverter.ConvertFile(model, File(fixture, "state_dict"), converted, source);
            Assert.Equal(model.state_dict().Count, count);
        }

        // The converted file is an ordinary checkpoint: a fresh model loads it strictly.
        using var fresh = ZooConfigBinder.BuildClassifier(fixture.GetProperty("config"));
        Assert.True(ModelWeights.Load(fresh, converted, strict: true).Report.IsExact);
        var io = TorchCheckpointReader.ReadDictionary(File(fixture, "io"));
        fresh.eval();
        using var noGrad = no_grad();
        using var logits = fresh.call((Tensor)io["input"]!);

        // timm's initialisation gives logits in the tens: 1e-5 of their scale, at least 1e-5.
        var reference = (Tensor)io["logits"]!;
        var scale = Math.Max(1f, reference.abs().max().item<float>());
        var difference = (logits - reference).abs().max().item<float>();
        Assert.True(difference < 1e-5f * scale, $"{name} from {source}: max |ours - the library's| = {difference} (logits up to {scale})");
        var meta = Assert.IsType<Dictionary<string, object?>>(TorchCheckpointReader.ReadDictionary(converted)["meta"]);
        Assert.Equal(source.ToString().ToLowerInvariant(), meta["converted_from"]);
    }

    [Fact]
    public void A_checkpoint_of_another_family_names_the_keys_that_do_not_fit()
    {
        var fixture = Case("tv_resnet18_w8");
        using var model = ZooConfigBinder.BuildClassifier(Case("tv_mobilenet_v2_w025").GetProperty("config"));

        var error = Assert.Throws<StateDictLoadException>(() =>
            CheckpointConverter.ConvertFile(model, File(fixture, "state_dict"), Path.Combine(folder, "wrong.pth"), WeightSource.Torchvision));

        Assert.Contains("conv1.weight", error.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.Combine(folder, "wrong.pth")));
    }

    [Fact]
    public void A_mis_shaped_tensor_is_named_with_both_shapes()
    {
        // The same keys at twice the widths: every tensor mis-shaped.
        var fixture = Case("tv_resnet18_w8");
        using var wider = ZooConfigBinder.BuildClassifier(JsonDocument.Parse("""
            {
              "type": "ImageClassifier",
              "backbone": {"type": "ResNet", "depth": 18, "stem_channels": 16, "base_channels": 16},
              "neck": {"type": "GlobalAveragePooling"},
              "head": {"type": "LinearClsHead", "num_classes": 10, "in_channels": 128}
            }
            """).RootElement);

        var error = Assert.Throws<StateDictLoadException>(() =>
            CheckpointConverter.ConvertFile(wider, File(fixture, "state_dict"), Path.Combine(folder, "wider.pth"), WeightSource.Torchvision));

        Assert.Contains("shape mismatch", error.Message, StringComparison.Ordinal);
        var conv1 = Assert.Single(error.Report!.ShapeMismatches, mismatch => mismatch.Name == "backbone.conv1.weight");
        Assert.Equal(new long[] { 16, 3, 7, 7 }, conv1.ExpectedShape);
        Assert.Equal(new long[] { 8, 3, 7, 7 }, conv1.FoundShape);
    }

    private static JsonElement Case(string name) =>
        new[] { "cases.json", "timm_cases.json" }
            .SelectMany(file => JsonDocument.Parse(System.IO.File.ReadAllText(FixturePaths.File("Conversion", file))).RootElement.GetProperty("cases").EnumerateArray())
            .Single(entry => entry.GetProperty("name").GetString() == name);

    private static string File(JsonElement fixture, string kind) => FixturePaths.File("Conversion", fixture.GetProperty(kind).GetString()!);
}
