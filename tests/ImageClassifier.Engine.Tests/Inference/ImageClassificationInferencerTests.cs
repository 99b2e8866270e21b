using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Models.Layers;
using ImageClassifier.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Inference;

[Collection(TrainingCollection.Name)]
public sealed class ImageClassificationInferencerTests : IDisposable
{
    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    [Fact]
    public void Images_and_tensors_get_the_same_predictions()
    {
        var (trained, _) = experiment.Train(experiment.WorkDir());
        using var inferencer = new ImageClassificationInferencer(experiment.Read(), trained.LastCheckpoint!, "cpu");
        var random = new Random(9);
        var images = Enumerable.Range(0, 4).Select(label => new ImageData(Fixtures.ToyImage(label, 16, random), 1, 16, 16)).ToList();

        var fromImages = inferencer.Infer(images, topk: 2, batchSize: 3);
        using var batch = torch.tensor(images.SelectMany(image => image.Pixels).ToArray(), [4, 1, 16, 16], ScalarType.Byte);
        var fromTensor = inferencer.Infer(batch, topk: 2);

        Assert.Equal(1, inferencer.Channels);
        Assert.Equal(10, inferencer.NumClasses);
        Assert.Equal("0 - zero", inferencer.Classes[0]);
        Assert.Equal(fromImages.Select(result => result.PredLabel), fromTensor.Select(result => result.PredLabel));
        Assert.Equal("image[2]", fromImages[2].Source);
        Assert.Equal("tensor[2]", fromTensor[2].Source);
        Assert.All(fromImages, result => Assert.InRange(result.PredScore, 0, 1));
        Assert.All(fromImages.Zip(fromTensor), pair => Assert.Equal(pair.First.PredScore, pair.Second.PredScore, 5));
    }

    [Fact]
    public void The_weight_layout_is_chosen_at_the_first_batch_and_kept()
    {
        var (trained, _) = experiment.Train(experiment.WorkDir(), cfgOptions: ["train_cfg.max_epochs=1"]);
        using var inferencer = new ImageClassificationInferencer(experiment.Read(), trained.LastCheckpoint!, "cpu");
        using var batch = torch.rand([3, 1, 16, 16]) * 255;
        Assert.Null(inferencer.Layout);

        var first = inferencer.Infer(batch, topk: 3);
        var layout = inferencer.Layout;
        var second = inferencer.Infer(batch, topk: 3);

        // Timed only where oneDNN runs and ICLS_CHANNELS_LAST leaves the choice to timing.
        Assert.Equal(ChannelsLastWeights.Tuned, layout is not null);
        Assert.Same(layout, inferencer.Layout);
        var weights = inferencer.Model.parameters().Where(parameter => parameter.dim() == 4).ToList();
        Assert.NotEmpty(weights);
        Assert.All(weights, weight => Assert.Equal(layout?.ChannelsLast ?? ChannelsLastWeights.Pays, ChannelsLastWeights.IsChannelsLast(weight)));
        Assert.Equal(first.Select(result => result.PredLabel), second.Select(result => result.PredLabel));
        Assert.All(first.Zip(second), pair => Assert.Equal(pair.First.PredScore, pair.Second.PredScore, 5));
    }

    [Fact]
    public void Topk_beyond_the_classes_is_refused()
    {
        var (trained, _) = experiment.Train(experiment.WorkDir(), cfgOptions: ["train_cfg.max_epochs=1"]);
        using var inferencer = new ImageClassificationInferencer(experiment.Read(), trained.LastCheckpoint!, "cpu");
        using var batch = torch.zeros(1, 1, 16, 16);

        Assert.Throws<ArgumentOutOfRangeException>(() => inferencer.Infer(batch, topk: 11));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Without_a_preprocessor_mean_the_backbone_says_the_input_channels(int channels)
    {
        // ResNet registers its stages before its stem, so its first 4-D parameter is a stage's
        // convolution (64 input channels), not the stem's.
        var json = $$$"""{"type": "ImageClassifier", "backbone": {"type": "ResNet", "depth": 18, "in_channels": {{{channels}}}}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "LinearClsHead", "num_classes": 3, "in_channels": 512}}""";
        var run = new RunDefinition { Model = new ConfigBinder(BuiltInHost.Instance.Catalog).BindComponentJson(json, typeof(Classifier)) };
        var checkpoint = Path.Combine(Directory.CreateDirectory(experiment.WorkDir("weights")).FullName, "resnet18.pth");
        using (var model = run.BuildModel())
        {
            ModelWeights.Save(model, checkpoint);
        }

        using var inferencer = new ImageClassificationInferencer(run, checkpoint, "cpu");
        using var batch = torch.zeros(2, channels, 32, 32);

        Assert.Equal(channels, inferencer.Channels);
        Assert.Equal(3, inferencer.NumClasses);
        Assert.Equal(2, inferencer.Infer(batch).Count);
    }

    [Fact]
    public void A_head_without_num_classes_is_counted_by_a_forward_pass()
    {
        // ClsHead scores its input features as they come, so the class count is the neck's width,
        // which only running the model tells.
        const string json = """{"type": "ImageClassifier", "backbone": {"type": "ResNet", "depth": 18, "in_channels": 1, "base_channels": 8}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "ClsHead"}}""";
        var run = new RunDefinition { Model = new ConfigBinder(BuiltInHost.Instance.Catalog).BindComponentJson(json, typeof(Classifier)) };
        var checkpoint = Path.Combine(Directory.CreateDirectory(experiment.WorkDir("weights")).FullName, "clshead.pth");
        using (var model = run.BuildModel())
        {
            ModelWeights.Save(model, checkpoint);
        }

        using var inferencer = new ImageClassificationInferencer(run, checkpoint, "cpu");

        Assert.Equal(64, inferencer.NumClasses);
        Assert.Equal(64, inferencer.Classes.Count);
    }
}
