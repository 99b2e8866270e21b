using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.BatchAugments;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Necks;
using ImageClassifier.Models.Preprocessors;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Classifiers;

public sealed class ImageClassifierModelTests
{
    [Fact]
    public void StateDictKeysAreMmpretrainsAndHoldNoPreprocessorEntries()
    {
        using var model = TinyModels.Classifier();
        var keys = model.state_dict().Keys.ToList();

        Assert.Contains("backbone.conv1.weight", keys);
        Assert.Contains("backbone.bn1.running_mean", keys);
        Assert.Contains("backbone.bn1.num_batches_tracked", keys);
        Assert.Contains("head.fc.weight", keys);
        Assert.Contains("head.fc.bias", keys);
        Assert.All(keys, key => Assert.True(key.StartsWith("backbone.", StringComparison.Ordinal) || key.StartsWith("head.", StringComparison.Ordinal), key));
    }

    [Fact]
    public void NormalisingPreprocessorAddsNoStateDictKeys()
    {
        torch.manual_seed(1);
        using var model = new ImageClassifierModel(
            new TinyBackbone(),
            new GlobalAveragePooling(),
            new TinyHead(8, 3),
            dataPreprocessor: new ClsDataPreprocessor(mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], toRGB: true));

        Assert.DoesNotContain(model.state_dict().Keys, key => key.Contains("preprocessor", StringComparison.Ordinal) || key.EndsWith("mean", StringComparison.Ordinal) && !key.EndsWith("running_mean", StringComparison.Ordinal));
        Assert.IsType<ClsDataPreprocessor>(model.DataPreprocessor);
    }

    [Fact]
    public void ConstructorInitialisesEveryComponentFromItsInitCfg()
    {
        using var model = TinyModels.Classifier(channels: 64, numClasses: 100);
        var backbone = Assert.IsType<TinyBackbone>(model.Backbone);
        var head = Assert.IsType<TinyHead>(model.Head);

        // ResNet's default: BN weight 1, bias 0; Kaiming fan_out on the convolutions, zero bias.
        Assert.True(backbone.Bn1.weight!.eq(1).all().item<bool>());
        Assert.True(backbone.Bn1.bias!.eq(0).all().item<bool>());
        Assert.True(backbone.Conv2.bias!.eq(0).all().item<bool>());
        var expectedStd = Math.Sqrt(2.0 / (128 * 9));
        Assert.InRange(backbone.Conv2.weight!.std().item<float>(), expectedStd * 0.95, expectedStd * 1.05);

        // LinearClsHead's default: N(0, 0.01²), zero bias.
        Assert.InRange(head.Fc.weight!.std().item<float>(), 0.0095, 0.0105);
        Assert.True(head.Fc.bias!.eq(0).all().item<bool>());
    }

    [Fact]
    public void ForwardGivesRawScores()
    {
        using var model = TinyModels.Classifier();
        model.eval();
        using var images = TinyModels.Images();
        using var scores = model.call(images);

        Assert.Equal(new long[] { 2, 3 }, scores.shape);
        var head = Assert.IsType<TinyHead>(model.Head);
        using var expected = head.Fc.call(model.ExtractFeat(images, FeatureStage.PreLogits)[0]);
        Assert.True(scores.allclose(expected));
    }

    [Fact]
    public void ExtractFeatStopsAtTheAskedStage()
    {
        using var model = TinyModels.Classifier(channels: 4);
        model.eval();
        using var images = TinyModels.Images(size: 8);

        var backbone = model.ExtractFeat(images, FeatureStage.Backbone);
        Assert.Equal(2, backbone.Count);
        Assert.Equal(new long[] { 2, 4, 8, 8 }, backbone[0].shape);
        Assert.Equal(new long[] { 2, 8, 4, 4 }, backbone[1].shape);

        var neck = model.ExtractFeat(images);
        Assert.Equal(2, neck.Count);
        Assert.Equal(new long[] { 2, 4 }, neck[0].shape);
        Assert.Equal(new long[] { 2, 8 }, neck[1].shape);
        Assert.True(neck[1].allclose(backbone[1].mean([2, 3])));

        var preLogits = Assert.Single(model.ExtractFeat(images, FeatureStage.PreLogits));
        Assert.True(preLogits.allclose(neck[1]));
    }

    [Fact]
    public void LossReturnsTheHeadsNamedLosses()
    {
        using var model = TinyModels.Classifier();
        model.train();
        using var images = TinyModels.Images();
        using var targets = torch.tensor(new long[] { 0, 2 });

        var losses = model.Loss(images, targets);

        var loss = Assert.Single(losses);
        Assert.Equal("loss", loss.Key);
        Assert.Equal(0, loss.Value.dim());
        Assert.True(loss.Value.requires_grad);
        loss.Value.backward();
        var head = Assert.IsType<TinyHead>(model.Head);
        Assert.NotNull(head.Fc.weight!.grad);
    }

    [Fact]
    public void PredictGivesProbabilitiesAndLabels()
    {
        using var model = TinyModels.Classifier();
        model.eval();
        using var images = TinyModels.Images();

        var prediction = model.Predict(images);

        Assert.Equal(new long[] { 2, 3 }, prediction.Scores.shape);
        Assert.True(prediction.Scores.sum(1).allclose(torch.ones(2)));
        Assert.Equal(ScalarType.Int64, prediction.Labels.dtype);
        using var scores = model.call(images);
        Assert.True(TensorAssert.Same(prediction.Labels, scores.argmax(1)));
    }

    [Fact]
    public void WithoutAHeadOnlyFeaturesWork()
    {
        torch.manual_seed(3);
        using var model = new ImageClassifierModel(new TinyBackbone(), new GlobalAveragePooling());
        using var images = TinyModels.Images();
        using var targets = torch.tensor(new long[] { 0, 1 });

        Assert.Equal(new long[] { 2, 8 }, model.call(images).shape);
        Assert.Equal(2, model.ExtractFeat(images).Count);
        Assert.Contains("needs a head", Assert.Throws<InvalidOperationException>(() => model.Loss(images, targets)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => model.Predict(images));
        Assert.Throws<InvalidOperationException>(() => model.ExtractFeat(images, FeatureStage.PreLogits));
        Assert.Throws<InvalidOperationException>(() => model.ResetClassifier(5));
        Assert.DoesNotContain(model.state_dict().Keys, key => key.StartsWith("head.", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutANeckTheHeadReadsTheBackboneOutputs()
    {
        torch.manual_seed(3);
        using var model = new ImageClassifierModel(new TinyBackbone(), head: new TinyHead(8, 3));
        model.eval();
        using var images = TinyModels.Images(size: 2);

        var neck = model.ExtractFeat(images, FeatureStage.Neck);
        var backbone = model.ExtractFeat(images, FeatureStage.Backbone);
        Assert.Equal(backbone.Count, neck.Count);
        Assert.True(TensorAssert.Same(neck[^1], backbone[^1]));
        Assert.Null(model.Neck);
    }

    [Fact]
    public void ResetClassifierGoesThroughTheHead()
    {
        using var model = TinyModels.Classifier(numClasses: 3);
        model.eval();
        model.ResetClassifier(5);
        using var images = TinyModels.Images();

        Assert.Equal(new long[] { 2, 5 }, model.call(images).shape);
        Assert.Equal(new long[] { 5, 8 }, model.state_dict()["head.fc.weight"].shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ResetClassifier(0));
    }

    [Fact]
    public void PreprocessRunsTheDataPreprocessor()
    {
        torch.manual_seed(3);
        using var model = new ImageClassifierModel(
            new TinyBackbone(),
            new GlobalAveragePooling(),
            new TinyHead(8, 3),
            dataPreprocessor: new ClsDataPreprocessor(mean: [1, 2, 3], std: [2, 2, 2], toOnehot: true, numClasses: 3));
        using var images = torch.full([1, 3, 2, 2], 5, ScalarType.Byte);
        using var labels = torch.tensor(new long[] { 2 });

        var (inputs, targets) = model.Preprocess(images, labels, training: true);

        Assert.Equal(ScalarType.Float32, inputs.dtype);
        Assert.Equal(new[] { 2f, 1.5f, 1f }, inputs[0, .., 0, 0].data<float>().ToArray());
        Assert.Equal(new[] { 0f, 0f, 1f }, targets!.data<float>().ToArray());
        Assert.Null(model.Preprocess(images).Targets);
    }

    [Fact]
    public void TrainCfgAugmentsMixTrainingBatchesOnly()
    {
        torch.manual_seed(3);
        var trainCfg = new RandomBatchAugmentConfig { Augments = [new MixupConfig { Alpha = 1.0 }] };
        using var model = new ImageClassifierModel(
            new TinyBackbone(),
            new GlobalAveragePooling(),
            new TinyHead(8, 3),
            dataPreprocessor: new ClsDataPreprocessor(numClasses: 3),
            trainCfg: trainCfg);
        using var images = torch.rand(4, 3, 2, 2);
        using var labels = torch.tensor(new long[] { 0, 1, 2, 0 });

        var (trainInputs, trainTargets) = model.Preprocess(images, labels, training: true);
        var (evalInputs, evalTargets) = model.Preprocess(images, labels, training: false);

        Assert.NotNull(model.BatchAugments);
        Assert.Equal(new long[] { 4, 3 }, trainTargets!.shape);
        Assert.False(trainInputs.equal(images).all().item<bool>());
        Assert.True(evalInputs.equal(images).all().item<bool>());
        Assert.True(evalTargets!.equal(labels).all().item<bool>());
        using var losses = model.Loss(trainInputs, trainTargets).Values.Single();
        Assert.True(float.IsFinite(losses.item<float>()));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void TrainCfgAugmentsNeedAClassCountAndNoSecondSetting(bool preprocessorHasClassCount, bool preprocessorHasOwnAugments)
    {
        var augments = new RandomBatchAugmentConfig { Augments = [new MixupConfig { Alpha = 1.0 }] };
        using var preprocessor = new ClsDataPreprocessor(
            numClasses: preprocessorHasClassCount ? 3 : null,
            batchAugments: preprocessorHasOwnAugments ? augments : null);

        var error = Assert.Throws<ArgumentException>(() => new ImageClassifierModel(new TinyBackbone(), new GlobalAveragePooling(), new TinyHead(8, 3), dataPreprocessor: preprocessor, trainCfg: augments));

        Assert.Equal("trainCfg", error.ParamName);
    }

    [Fact]
    public void BuildingAndDisposingLeavesNoTensorBehind()
    {
        // Initialisation's temporaries and the preprocessor's mean and std once leaked 8 tensors per model.
        DisposeScopeManager.Statistics.Reset();

        new ImageClassifierModel(
            new ResNet(depth: 18, baseChannels: 8, stemChannels: 8),
            new GlobalAveragePooling(),
            new LinearClsHeadConfig { NumClasses = 10, InChannels = 64 }.Build(),
            dataPreprocessor: new ClsDataPreprocessor(mean: [1.0, 2, 3], std: [2.0, 2, 2])).Dispose();

        Assert.Equal(0, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void PretrainedReplacesInitCfg()
    {
        var path = Path.Combine(Path.GetTempPath(), $"classifier-pretrained-{Guid.NewGuid():N}.pth");
        try
        {
            using var source = TinyModels.Classifier(seed: 21);
            ImageClassifier.Models.Weights.ModelWeights.Save(source, path);

            torch.manual_seed(5);
            using var model = new ImageClassifierModel(
                new TinyBackbone(),
                new GlobalAveragePooling(),
                new TinyHead(8, 3),
                pretrained: path,
                initCfg: [new ConstantInit(val: 3, layer: ["Linear"])]);

            var pretrained = Assert.IsType<PretrainedInit>(Assert.Single(model.InitCfg));
            Assert.Equal(path, pretrained.Checkpoint);
            Assert.True(TensorAssert.Same(model.state_dict()["head.fc.weight"], source.state_dict()["head.fc.weight"]));
            Assert.True(TensorAssert.Same(model.state_dict()["backbone.conv1.weight"], source.state_dict()["backbone.conv1.weight"]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ConfigBuildsTheClassifier()
    {
        var descriptor = ImageClassifierModelConfig.Descriptor;
        Assert.Equal("ImageClassifier", descriptor.Name);
        Assert.Equal("classifier", descriptor.Kind);
        Assert.Equal(
            new[] { "backbone", "neck", "head", "pretrained", "data_preprocessor", "init_cfg", "train_cfg" },
            descriptor.Parameters.Select(parameter => parameter.JsonName));
        Assert.Equal("ClsDataPreprocessor", ClsDataPreprocessorConfig.Descriptor.Name);
        Assert.Equal("preprocessor", ClsDataPreprocessorConfig.Descriptor.Kind);
    }

    [Fact]
    public void JsonConfigWithPreprocessorAndInitCfgBinds()
    {
        const string Json = """
            {
              "type": "ImageClassifier",
              "backbone": {"type": "ResNet", "depth": 18, "stem_channels": 8, "base_channels": 8},
              "neck": {"type": "GlobalAveragePooling"},
              "head": {"type": "LinearClsHead", "num_classes": 5, "in_channels": 64},
              "data_preprocessor": {"type": "ClsDataPreprocessor", "mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375], "to_rgb": true},
              "init_cfg": [{"type": "Constant", "val": 5, "layer": ["Linear", "Conv2d"]}]
            }
            """;
        using var document = System.Text.Json.JsonDocument.Parse(Json);

        using var model = Assert.IsType<ImageClassifierModel>(ZooConfigBinder.BuildClassifier(document.RootElement));

        var preprocessor = Assert.IsType<ClsDataPreprocessor>(model.DataPreprocessor);
        Assert.True(preprocessor.ToRGB);
        Assert.Equal(new[] { 123.675, 116.28, 103.53 }, preprocessor.Mean);
        Assert.IsType<ConstantInit>(Assert.Single(model.InitCfg));

        // The model's own init_cfg runs first; the head's and the backbone's defaults then override it.
        Assert.True(model.state_dict()["head.fc.weight"].abs().max().item<float>() < 0.1f);
        Assert.False(model.state_dict()["backbone.conv1.weight"].eq(5).all().item<bool>());
        Assert.Equal(new long[] { 1, 5 }, model.call(torch.zeros(1, 3, 32, 32)).shape);
    }
}
