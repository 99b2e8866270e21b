using ImageClassifier.Models.BatchAugments;
using ImageClassifier.Models.Preprocessors;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Classifiers;

public sealed class ClsDataPreprocessorTests
{
    [Fact]
    public void NormalisesEachChannel()
    {
        using var preprocessor = new ClsDataPreprocessor(mean: [10, 20, 30], std: [2, 4, 5]);
        using var images = torch.tensor(new float[] { 12, 14, 28, 32, 45, 50 }).reshape(1, 3, 2, 1);

        using var output = preprocessor.call(images);

        Assert.Equal(new long[] { 1, 3, 2, 1 }, output.shape);
        Assert.Equal(new[] { 1f, 2f, 2f, 3f, 3f, 4f }, output.data<float>().ToArray());
    }

    [Fact]
    public void ToRgbReversesChannelsBeforeNormalising()
    {
        using var preprocessor = new ClsDataPreprocessor(mean: [1, 2, 3], std: [1, 1, 1], toRGB: true);
        using var bgr = torch.tensor(new byte[] { 30, 20, 10 }).reshape(1, 3, 1, 1);

        using var output = preprocessor.call(bgr);

        // RGB = (10, 20, 30), minus the mean (1, 2, 3), which is given in RGB order.
        Assert.Equal(new[] { 9f, 18f, 27f }, output.data<float>().ToArray());
        Assert.Equal(ScalarType.Float32, output.dtype);
    }

    [Fact]
    public void ToRgbLeavesOtherChannelCountsAlone()
    {
        using var preprocessor = new ClsDataPreprocessor(toRGB: true);
        using var gray = torch.tensor(new float[] { 1, 2 }).reshape(1, 1, 1, 2);
        using var four = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 4, 1, 1);

        Assert.Equal(new[] { 1f, 2f }, preprocessor.call(gray).data<float>().ToArray());
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, preprocessor.call(four).data<float>().ToArray());
    }

    [Fact]
    public void WithoutMeanOnlyConvertsToFloat()
    {
        using var preprocessor = new ClsDataPreprocessor();
        using var images = torch.tensor(new byte[] { 0, 128, 255 }).reshape(1, 3, 1, 1);

        using var output = preprocessor.call(images);

        Assert.Equal(ScalarType.Float32, output.dtype);
        Assert.Equal(new[] { 0f, 128f, 255f }, output.data<float>().ToArray());
        Assert.Empty(preprocessor.state_dict());
    }

    [Fact]
    public void PadsBottomAndRightToTheDivisor()
    {
        using var preprocessor = new ClsDataPreprocessor(padSizeDivisor: 4, padValue: -1);
        using var images = torch.ones(2, 3, 5, 8);

        using var output = preprocessor.call(images);

        Assert.Equal(new long[] { 2, 3, 8, 8 }, output.shape);
        Assert.True(output[.., .., ..5, ..].eq(1).all().item<bool>());
        Assert.True(output[.., .., 5.., ..].eq(-1).all().item<bool>());
    }

    [Fact]
    public void MeanAndStdAreNonPersistentBuffers()
    {
        using var preprocessor = new ClsDataPreprocessor(mean: [1, 2, 3], std: [4, 5, 6]);

        Assert.Empty(preprocessor.state_dict());
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, preprocessor.Mean);
        Assert.Equal(new[] { 4.0, 5.0, 6.0 }, preprocessor.Std);
    }

    [Fact]
    public void OneHotTargetsWhenAsked()
    {
        using var preprocessor = new ClsDataPreprocessor(toOnehot: true, numClasses: 4);
        using var labels = torch.tensor(new long[] { 3, 0 });
        using var scores = torch.tensor(new float[] { 0.5f, 0.5f, 0, 0 }).reshape(1, 4);

        using var onehot = preprocessor.ProcessTargets(labels);

        Assert.Equal(ScalarType.Float32, onehot.dtype);
        Assert.Equal(new[] { 0f, 0f, 0f, 1f, 1f, 0f, 0f, 0f }, onehot.data<float>().ToArray());
        Assert.Same(scores, preprocessor.ProcessTargets(scores));

        using var plain = new ClsDataPreprocessor();
        Assert.Same(labels, plain.ProcessTargets(labels));
    }

    [Fact]
    public void RejectsInconsistentArguments()
    {
        Assert.Equal("std", Assert.Throws<ConfigValueException>(() => new ClsDataPreprocessor(mean: [1, 2, 3])).Member);
        Assert.Equal("mean", Assert.Throws<ConfigValueException>(() => new ClsDataPreprocessor(std: [1, 2, 3])).Member);
        Assert.Equal("std", Assert.Throws<ConfigValueException>(() => new ClsDataPreprocessor(mean: [1, 2, 3], std: [1, 2])).Member);
        Assert.Equal("std[1]", Assert.Throws<ConfigValueException>(() => new ClsDataPreprocessor(mean: [1, 2, 3], std: [1, 0, 2])).Member);
        Assert.Equal("pad_size_divisor", Assert.Throws<ConfigValueException>(() => new ClsDataPreprocessor(padSizeDivisor: 0)).Member);
        Assert.Equal("num_classes", Assert.Throws<ConfigValueException>(() => new ClsDataPreprocessor(toOnehot: true)).Member);

        using var preprocessor = new ClsDataPreprocessor(mean: [1, 2, 3], std: [1, 1, 1]);
        Assert.Throws<ArgumentException>(() => preprocessor.call(torch.ones(1, 1, 2, 2)));
        Assert.Throws<ArgumentException>(() => preprocessor.call(torch.ones(3, 2, 2)));
    }

    [Fact]
    public void ConfigUsesMmpretrainsNames()
    {
        var config = new ClsDataPreprocessorConfig { Mean = [123.675, 116.28, 103.53], Std = [58.395, 57.12, 57.375], ToRGB = true };
        Assert.Equal(
            new[] { "mean", "std", "pad_size_divisor", "pad_value", "to_rgb", "to_onehot", "num_classes", "batch_augments" },
            ClsDataPreprocessorConfig.Descriptor.Parameters.Select(parameter => parameter.JsonName));

        using var preprocessor = config.Build();
        Assert.IsType<ClsDataPreprocessor>(preprocessor);
    }

    [Fact]
    public void Batch_augments_mix_training_batches_into_one_hot_scores()
    {
        var config = new RandomBatchAugmentConfig { Augments = [new MixupConfig { Alpha = 1.0 }] };
        using var preprocessor = new ClsDataPreprocessor(numClasses: 4, batchAugments: config);
        using var images = torch.rand(3, 1, 2, 2);
        using var labels = torch.tensor(new long[] { 0, 1, 3 });

        var (mixed, scores) = preprocessor.AugmentBatch(images, labels);

        Assert.True(preprocessor.ToOnehot);
        Assert.Equal(new long[] { 3, 4 }, scores.shape);
        Assert.Equal(new[] { 1.0, 1.0, 1.0 }, scores.sum(1).to_type(ScalarType.Float64).data<double>().ToArray().Select(sum => Math.Round(sum, 6)));
        Assert.Equal(0.0, scores[.., 2].sum().item<float>());
        Assert.Equal(images.shape, mixed.shape);
    }

    [Fact]
    public void Batch_augments_need_the_class_count()
    {
        var config = new RandomBatchAugmentConfig { Augments = [new MixupConfig { Alpha = 1.0 }] };
        var error = Assert.Throws<ConfigValueException>(() => new ClsDataPreprocessor(batchAugments: config));
        Assert.Equal("num_classes", error.Member);
    }
}
