using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Tests.Classifiers;
using ImageClassifier.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Weights;

public sealed class ModelWeightsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("model-weights-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void SaveThenLoadGivesTheSameStateDict()
    {
        var path = Path.Combine(folder, "tiny.pth");
        using var source = TinyModels.Classifier(seed: 1);
        TrainOneStep(source);
        ModelWeights.Save(source, path, new Dictionary<string, object?> { ["epoch"] = 3L, ["classes"] = new List<object?> { "a", "b", "c" } });

        using var target = TinyModels.Classifier(seed: 2);
        var result = ModelWeights.Load(target, path, strict: true);

        Assert.True(result.Report.IsExact);
        Assert.Empty(result.HeadAdaptations);
        Assert.Equal(source.state_dict().Count, result.Report.LoadedCount);
        foreach (var (name, tensor) in source.state_dict())
        {
            Assert.True(TensorAssert.Same(tensor, target.state_dict()[name]), name);
        }

        using var images = TinyModels.Images();
        source.eval();
        target.eval();
        Assert.True(TensorAssert.Same(source.call(images), target.call(images)));
    }

    [Fact]
    public void SavedFilesHaveMmpretrainsLayout()
    {
        var path = Path.Combine(folder, "layout.pth");
        using var model = TinyModels.Classifier();
        ModelWeights.Save(model, path, new Dictionary<string, object?> { ["epoch"] = 12L });

        var checkpoint = TorchCheckpointReader.ReadDictionary(path);

        Assert.Equal(new[] { "meta", "state_dict" }, checkpoint.Keys.Order());
        var meta = Assert.IsType<Dictionary<string, object?>>(checkpoint["meta"]);
        Assert.Equal(12L, meta["epoch"]);
        var stateDict = Assert.IsType<Dictionary<string, object?>>(checkpoint["state_dict"]);
        Assert.Equal(model.state_dict().Keys.Order(), stateDict.Keys.Order());
        Assert.Equal("backbone.conv1.weight", stateDict.Keys.First());
    }

    [Fact]
    public void FineTuningAnotherClassCountKeepsTheFreshHeadWithANotice()
    {
        var path = Path.Combine(folder, "seven-classes.pth");
        using var source = TinyModels.Classifier(numClasses: 7, seed: 1);
        ModelWeights.Save(source, path);

        using var model = TinyModels.Classifier(numClasses: 3, seed: 2);
        model.state_dict()["head.fc.weight"].detach().fill_(42);

        var result = ModelWeights.Load(model, path, strict: true, adaptHead: true);

        var adaptation = Assert.Single(result.HeadAdaptations);
        Assert.Equal("head.fc", adaptation.Module);
        Assert.Equal(7, adaptation.CheckpointClasses);
        Assert.Equal(3, adaptation.ModelClasses);
        Assert.True(adaptation.Reinitialized);
        Assert.Equal(new[] { "head.fc.weight", "head.fc.bias" }, adaptation.SkippedKeys.Order().Reverse());
        Assert.Equal(
            "head adapted for fine-tuning: head.fc has 7 classes in the checkpoint, 3 in the model; " +
            "head.fc.weight checkpoint [7, 8] -> model [3, 8]; head.fc.bias checkpoint [7] -> model [3]; the layer was re-initialised",
            Assert.Single(result.Notices));
        Assert.Contains(adaptation.ToString(), result.Describe(), StringComparison.Ordinal);
        Assert.True(result.Report.IsExact);
        Assert.Equal(model.state_dict().Count - 2, result.Report.LoadedCount);

        // The backbone comes from the checkpoint; the head is drawn afresh by its init_cfg, N(0, 0.01²).
        Assert.True(TensorAssert.Same(source.state_dict()["backbone.conv1.weight"], model.state_dict()["backbone.conv1.weight"]));
        var head = model.state_dict()["head.fc.weight"];
        Assert.Equal(new long[] { 3, 8 }, head.shape);
        Assert.True(head.abs().max().item<float>() < 0.1f);
        Assert.True(model.state_dict()["head.fc.bias"].eq(0).all().item<bool>());
    }

    [Fact]
    public void AThousandClassCheckpointIntoATenClassModel()
    {
        var path = Path.Combine(folder, "in1k.pth");
        using (var pretrained = TinyModels.Classifier(numClasses: 1000, seed: 4))
        {
            ModelWeights.Save(pretrained, path);
        }

        using var model = TinyModels.Classifier(numClasses: 10, seed: 5);
        var result = ModelWeights.Load(model, path, adaptHead: true);

        Assert.StartsWith("head adapted for fine-tuning: head.fc has 1000 classes in the checkpoint, 10 in the model;", Assert.Single(result.Notices), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutFineTuningAnotherClassCountIsRefusedNamingTheKeysAndShapes()
    {
        var path = Path.Combine(folder, "ten-classes.pth");
        using (var source = TinyModels.Classifier(numClasses: 10, seed: 1))
        {
            ModelWeights.Save(source, path);
        }

        using var model = TinyModels.Classifier(numClasses: 5, seed: 2);
        var before = model.state_dict()["head.fc.weight"].clone();

        var error = Assert.Throws<StateDictLoadException>(() => ModelWeights.Load(model, path, strict: true));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("head.fc.weight: the module has [5, 8], the checkpoint [10, 8]", error.Message, StringComparison.Ordinal);
        Assert.Contains("head.fc.bias: the module has [5], the checkpoint [10]", error.Message, StringComparison.Ordinal);
        Assert.True(TensorAssert.Same(before, model.state_dict()["head.fc.weight"]));

        // Not strict and not fine-tuning: the head is reported as a mismatch and keeps its weights.
        var loose = ModelWeights.Load(model, path);
        Assert.Empty(loose.HeadAdaptations);
        Assert.Equal(2, loose.Report.ShapeMismatches.Count);
        Assert.True(TensorAssert.Same(before, model.state_dict()["head.fc.weight"]));
    }

    [Fact]
    public void ACheckpointThatMatchesNothingIsRefused()
    {
        var path = Path.Combine(folder, "other-model.pth");
        using (var other = new TinyBackbone())
        {
            ModelWeights.Save(other, path);
        }

        using var model = TinyModels.Classifier(seed: 3);

        var error = Assert.Throws<StateDictLoadException>(() => ModelWeights.Load(model, path, adaptHead: true));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("fits the model", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing key", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected key", error.Message, StringComparison.Ordinal);
        Assert.Contains("conv1.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StrictLoadingStillRefusesOtherMismatchesAndTouchesNothing()
    {
        var path = Path.Combine(folder, "wide.pth");
        using (var wide = TinyModels.Classifier(channels: 6, numClasses: 7, seed: 1))
        {
            ModelWeights.Save(wide, path);
        }

        using var model = TinyModels.Classifier(channels: 4, numClasses: 3, seed: 2);
        var before = model.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.clone());

        var error = Assert.Throws<StateDictLoadException>(() => ModelWeights.Load(model, path, strict: true));

        Assert.Contains("backbone.conv1.weight", error.Message, StringComparison.Ordinal);
        foreach (var (name, tensor) in model.state_dict())
        {
            Assert.True(TensorAssert.Same(before[name], tensor), name);
        }

        // Not strict: the mismatches are reported, and head.fc, whose input width differs too, is no class-count change.
        var result = ModelWeights.Load(model, path);
        Assert.Empty(result.HeadAdaptations);
        Assert.Contains(result.Report.ShapeMismatches, mismatch => mismatch.Name == "head.fc.weight");
    }

    [Fact]
    public void PrefixLoadsPartOfACheckpoint()
    {
        var path = Path.Combine(folder, "whole.pth");
        using var source = TinyModels.Classifier(seed: 8);
        ModelWeights.Save(source, path);

        torch.manual_seed(9);
        using var backbone = new TinyBackbone();
        var result = ModelWeights.Load(backbone, path, prefix: "backbone", strict: true);

        Assert.True(result.Report.IsExact);
        Assert.True(TensorAssert.Same(source.state_dict()["backbone.conv2.weight"], backbone.state_dict()["conv2.weight"]));
    }

    [Fact]
    public void PretrainedInitAdaptsTheHeadAndSaysSo()
    {
        var path = Path.Combine(folder, "pretrained.pth");
        using (var pretrained = TinyModels.Classifier(numClasses: 1000, seed: 4))
        {
            ModelWeights.Save(pretrained, path);
        }

        var log = new StringWriter();
        var initializer = new PretrainedInit(path) { Log = log };
        using var model = TinyModels.Classifier(numClasses: 10, seed: 6);
        initializer.Apply(model);

        Assert.Contains($"load model from: {path}", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("head adapted for fine-tuning: head.fc has 1000 classes in the checkpoint, 10 in the model; head.fc.weight checkpoint [1000, 8] -> model [10, 8]", log.ToString(), StringComparison.Ordinal);
        Assert.NotNull(initializer.LastResult);
        Assert.Single(initializer.LastResult.HeadAdaptations);
    }

    [Fact]
    public void ClassifierBuiltWithPretrainedAndAnotherClassCountLoadsTheRest()
    {
        var path = Path.Combine(folder, "pretrained-classifier.pth");
        using var source = TinyModels.Classifier(numClasses: 1000, seed: 4);
        ModelWeights.Save(source, path);

        using var model = TinyModels.Classifier(numClasses: 10, seed: 6, pretrained: path);

        Assert.True(TensorAssert.Same(source.state_dict()["backbone.bn1.weight"], model.state_dict()["backbone.bn1.weight"]));
        Assert.Equal(new long[] { 10, 8 }, model.state_dict()["head.fc.weight"].shape);
    }

    private static void TrainOneStep(ImageClassifierModel model)
    {
        model.train();
        using var images = TinyModels.Images();
        using var targets = torch.tensor(new long[] { 1, 2 });
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        var loss = model.Loss(images, targets)["loss"];
        loss.backward();
        optimizer.step();
    }
}
