using ImageClassifier.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

public sealed class StateDictLoaderTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("state-dict-loader-");

    public void Dispose() => folder.Delete(recursive: true);

    [Theory]
    [InlineData("mmpretrain_checkpoint.pth")]
    [InlineData("state_dict.pth")]
    [InlineData("dataparallel_state_dict.pth")]
    [InlineData("legacy_checkpoint.pth")]
    public void LoadCheckpoint_loads_every_tensor_PyTorch_saved_into_the_matching_module(string fixture)
    {
        using var model = new TinyClassifier();

        var report = StateDictLoader.LoadCheckpoint(model, CheckpointFixtures.PathOf(fixture), new StateDictLoadOptions { Strict = true });

        Assert.True(report.IsExact, report.Describe());
        Assert.Equal(8, report.LoadedCount);
        AssertModuleHoldsFixture(model, string.Empty);
    }

    [Fact]
    public void LoadCheckpoint_with_a_prefix_loads_a_backbone_or_a_head_alone()
    {
        using var backbone = new TinyBackbone();
        using var head = new TinyHead();

        var backboneReport = StateDictLoader.LoadCheckpoint(backbone, CheckpointFixtures.PathOf("mmpretrain_checkpoint.pth"), new StateDictLoadOptions { Prefix = "backbone", Strict = true });
        var headReport = StateDictLoader.LoadCheckpoint(head, CheckpointFixtures.PathOf("dataparallel_state_dict.pth"), new StateDictLoadOptions { Prefix = "head." });

        Assert.Equal(6, backboneReport.LoadedCount);
        Assert.True(headReport.IsExact, headReport.Describe());
        Assert.Equal(2, headReport.LoadedCount);
        AssertModuleHoldsFixture(backbone, "backbone.");
        AssertModuleHoldsFixture(head, "head.");
    }

    [Fact]
    public void LoadCheckpoint_keeps_module_prefixes_when_asked_and_reports_every_key()
    {
        using var model = new TinyClassifier();

        var report = StateDictLoader.LoadCheckpoint(model, CheckpointFixtures.PathOf("dataparallel_state_dict.pth"), new StateDictLoadOptions { StripDataParallelPrefix = false });

        Assert.Equal(0, report.LoadedCount);
        Assert.Equal(8, report.MissingKeys.Count);
        Assert.All(report.UnexpectedKeys, key => Assert.StartsWith("module.", key));
    }

    [Fact]
    public void Load_reports_missing_unexpected_and_mis_shaped_keys_and_copies_the_rest()
    {
        using var scope = NewDisposeScope();
        using var model = new TinyClassifier(numClasses: 10);
        var headBefore = model.state_dict()["head.fc.weight"].clone();
        var stateDict = StateDictLoader.SelectStateDict(TorchCheckpointReader.Read(CheckpointFixtures.PathOf("state_dict.pth")));
        stateDict.Remove("backbone.bn.running_var");
        stateDict["head.fc.scale"] = ones(10);

        var report = StateDictLoader.Load(model, stateDict);

        Assert.Equal(["backbone.bn.running_var"], report.MissingKeys);
        Assert.Equal(["head.fc.scale"], report.UnexpectedKeys);
        Assert.Equal(2, report.ShapeMismatches.Count);
        var weight = report.ShapeMismatches[0];
        Assert.Equal("head.fc.weight", weight.Name);
        Assert.Equal([10L, 4L], weight.ExpectedShape);
        Assert.Equal([3L, 4L], weight.FoundShape);
        Assert.Equal("head.fc.bias", report.ShapeMismatches[1].Name);
        Assert.Equal(5, report.LoadedCount);
        Assert.False(report.IsExact);
        Assert.True(CheckpointFixtures.SameValues(model.state_dict()["head.fc.weight"], headBefore), "a mis-shaped entry must not be copied");
        Assert.Contains("head.fc.weight: the module has [10, 4], the checkpoint [3, 4]", report.Describe());
    }

    [Fact]
    public void Load_in_strict_mode_lists_the_problems_and_leaves_the_module_untouched()
    {
        using var scope = NewDisposeScope();
        using var model = new TinyClassifier(numClasses: 10);
        var convBefore = model.state_dict()["backbone.conv.weight"].clone();
        var stateDict = StateDictLoader.SelectStateDict(TorchCheckpointReader.Read(CheckpointFixtures.PathOf("mmpretrain_checkpoint.pth")));
        stateDict.Remove("backbone.bn.bias");
        stateDict["neck.gap.weight"] = ones(1);

        var error = Assert.Throws<StateDictLoadException>(() => StateDictLoader.Load(model, stateDict, strict: true));

        Assert.Contains("TinyClassifier", error.Message);
        Assert.Contains("1 missing key: backbone.bn.bias", error.Message);
        Assert.Contains("1 unexpected key: neck.gap.weight", error.Message);
        Assert.Contains("2 shape mismatches: head.fc.weight: the module has [10, 4], the checkpoint [3, 4]", error.Message);
        Assert.Contains("strict: false", error.Message);
        Assert.NotNull(error.Report);
        Assert.Equal(0, error.Report.LoadedCount);
        Assert.True(CheckpointFixtures.SameValues(model.state_dict()["backbone.conv.weight"], convBefore), "strict failure must copy nothing");
    }

    [Fact]
    public void Load_converts_dtypes_while_copying()
    {
        using var scope = NewDisposeScope();
        using var head = new TinyHead();
        var stateDict = new Dictionary<string, Tensor>
        {
            ["fc.weight"] = full(3, 4, 0.5, ScalarType.Float64),
            ["fc.bias"] = tensor(new[] { 1.0f, 2.0f, 3.0f }).to_type(ScalarType.Float16),
        };

        var report = StateDictLoader.Load(head, stateDict, strict: true);

        Assert.Equal(2, report.LoadedCount);
        var weights = head.state_dict();
        Assert.Equal(ScalarType.Float32, weights["fc.weight"].dtype);
        Assert.Equal(6.0f, weights["fc.weight"].sum().item<float>());
        Assert.Equal([1f, 2f, 3f], weights["fc.bias"].detach().data<float>().ToArray());
    }

    [Fact]
    public void SelectStateDict_finds_state_dict_model_or_a_flat_dictionary()
    {
        using var scope = NewDisposeScope();
        var weight = ones(2);

        var fromStateDict = StateDictLoader.SelectStateDict(new Dictionary<string, object?> { ["meta"] = null, ["state_dict"] = new Dictionary<string, object?> { ["a"] = weight } });
        var fromModel = StateDictLoader.SelectStateDict(new Dictionary<string, object?> { ["epoch"] = 3L, ["model"] = new Dictionary<string, object?> { ["module.b"] = weight } });
        var flat = StateDictLoader.SelectStateDict(new Dictionary<string, object?> { ["c"] = weight });

        Assert.Equal(["a"], fromStateDict.Keys);
        Assert.Equal(["b"], fromModel.Keys);
        Assert.Equal(["c"], flat.Keys);
    }

    [Fact]
    public void SelectStateDict_explains_what_it_could_not_find()
    {
        using var scope = NewDisposeScope();

        var noStateDict = Assert.Throws<CheckpointFormatException>(() => StateDictLoader.SelectStateDict(new Dictionary<string, object?> { ["epoch"] = 1L, ["lr"] = 0.1 }));
        var notADictionary = Assert.Throws<CheckpointFormatException>(() => StateDictLoader.SelectStateDict(new List<object?>()));
        var badPrefix = Assert.Throws<StateDictLoadException>(() => StateDictLoader.SelectStateDict(new Dictionary<string, object?> { ["backbone.w"] = ones(1), ["head.w"] = ones(1) }, prefix: "neck"));

        Assert.Contains("epoch, lr", noStateDict.Message);
        Assert.Contains("list", notADictionary.Message);
        Assert.Contains("'neck.'", badPrefix.Message);
        Assert.Contains("backbone., head.", badPrefix.Message);
    }

    [Fact]
    public void SaveStateDict_writes_mmpretrain_layout_that_loads_back_exactly()
    {
        using var scope = NewDisposeScope();
        using var source = new TinyClassifier();
        StateDictLoader.LoadCheckpoint(source, CheckpointFixtures.PathOf("mmpretrain_checkpoint.pth"));
        var path = Path.Combine(folder.FullName, "epoch_3.pth");

        StateDictLoader.SaveStateDict(source, path, new Dictionary<string, object?> { ["epoch"] = 3, ["dataset_meta"] = new Dictionary<string, object?> { ["classes"] = new object?[] { "cat", "dog", "bird" } } });

        var checkpoint = TorchCheckpointReader.ReadDictionary(path);
        Assert.Equal(["meta", "state_dict"], checkpoint.Keys);
        Assert.Equal(3L, Assert.IsType<Dictionary<string, object?>>(checkpoint["meta"])["epoch"]);
        // PyTorch's key order (per module: parameters, buffers, then children), as in the fixture PyTorch wrote.
        var pytorchOrder = CheckpointFixtures.ExpectedFile("state_dict.pth").GetProperty("tensors").EnumerateObject().Select(property => property.Name);
        Assert.Equal(pytorchOrder, Assert.IsType<Dictionary<string, object?>>(checkpoint["state_dict"]).Keys);
        using var copy = new TinyClassifier();
        var report = StateDictLoader.LoadCheckpoint(copy, path, new StateDictLoadOptions { Strict = true });
        Assert.True(report.IsExact);
        AssertModuleHoldsFixture(copy, string.Empty);
        using var input = randn(2, 3, 5, 5);
        copy.eval();
        source.eval();
        Assert.True(CheckpointFixtures.SameValues(copy.call(input), source.call(input)));
    }

    /// <summary>Every parameter and buffer of the module equals what PyTorch saved in state_dict.pth.</summary>
    private static void AssertModuleHoldsFixture(nn.Module module, string prefix)
    {
        var expected = CheckpointFixtures.ExpectedFile("state_dict.pth").GetProperty("tensors");
        foreach (var (name, tensor) in module.state_dict())
        {
            CheckpointFixtures.AssertTensor(expected.GetProperty(prefix + name), tensor.detach(), prefix + name);
        }
    }
}
