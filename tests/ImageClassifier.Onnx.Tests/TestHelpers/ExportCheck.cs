using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Necks;
using ImageClassifier.Models.Preprocessors;
using ImageClassifier.Onnx.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Onnx.Tests.TestHelpers;

/// <summary>
/// The check every family's test makes: a classifier built with a fixed seed and random batch-norm
/// statistics is exported, run in ONNX Runtime at batch 3 and batch 1 (the batch is dynamic), and
/// its logits compared with the TorchSharp forward of the same pixels (preprocessing included, batch
/// norms not folded) within 1e-4 of the logits' scale.
/// </summary>
internal static class ExportCheck
{
    public const double Tolerance = 1e-4;

    /// <summary>
    /// An ImageClassifier of <paramref name="backbone"/>, global average pooling and a linear head of
    /// 5 classes on <paramref name="features"/> channels, with mmpretrain's ImageNet preprocessor
    /// (mean, std, BGR to RGB), and random norms (<see cref="RandomizeNorms"/>).
    /// </summary>
    public static ImageClassifierModel Classifier(Backbone backbone, int features, Neck? neck = null, Head? head = null) =>
        Assemble(backbone, neck ?? new GlobalAveragePooling(), head ?? new LinearClsHead(new ClsHeadConfig(), 5, features));

    /// <summary>
    /// Gives every norm layer random running statistics, scale and shift: freshly built ones are the
    /// identity (and zero_init_residual zeroes whole branches), which would hide a wrong export.
    /// </summary>
    public static void RandomizeNorms(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in model.named_modules())
        {
            if (!module.GetType().Name.Contains("Norm", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var (name, parameter) in module.named_parameters(recurse: false))
            {
                parameter.copy_(name == "weight" ? torch.rand_like(parameter) + 0.5 : torch.randn_like(parameter) * 0.2);
            }

            foreach (var (name, buffer) in module.named_buffers(recurse: false))
            {
                if (name == "running_mean")
                {
                    buffer.copy_(torch.randn_like(buffer) * 0.2);
                }
                else if (name == "running_var")
                {
                    buffer.copy_(torch.rand_like(buffer) + 0.5);
                }
            }
        }
    }

    /// <summary>Exports <paramref name="model"/> and asserts ONNX Runtime's logits match TorchSharp's at batch 3 and 1.</summary>
    /// <returns>The largest difference, relative to the logits' scale.</returns>
    public static double AssertMatches(Classifier model, int height, int width, int channels = 3, int seed = 7)
    {
        model.eval();
        long[] shape = [3, channels, height, width];
        var pixels = Pixels(shape, seed);
        var expected = TorchLogits(model, pixels, shape);

        using var exported = ExportedModel.Export(model, new OnnxExportOptions { Height = height, Width = width, Channels = channels });
        var batch = exported.Run(pixels, shape);
        var relative = AssertClose(expected, batch, "batch 3");

        var one = pixels[..(channels * height * width)];
        var single = exported.Run(one, [1, channels, height, width]);
        AssertClose(expected[..single.Length], single, "batch 1");
        return relative;
    }

    /// <summary>Pixels 0 to 255 (whole numbers, as decoded images give), from a fixed seed.</summary>
    public static float[] Pixels(long[] shape, int seed)
    {
        var random = new Random(seed);
        var count = shape.Aggregate(1L, (product, dimension) => product * dimension);
        return [.. Enumerable.Range(0, (int)count).Select(_ => (float)random.Next(256))];
    }

    public static float[] TorchLogits(Classifier model, float[] pixels, long[] shape)
    {
        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        var (inputs, _) = model.Preprocess(torch.tensor(pixels, shape));
        return model.forward(inputs).data<float>().ToArray();
    }

    /// <summary>Asserts the largest difference is within <see cref="Tolerance"/> of the largest expected magnitude (at least 1).</summary>
    public static double AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(1.0, expected.Max(value => Math.Abs((double)value)));
        var worst = expected.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max() / scale;
        Assert.True(worst <= Tolerance, $"{what}: ONNX Runtime's logits differ from TorchSharp's by {worst:E2} of their scale {scale:G4} (tolerance {Tolerance:E0}).");
        Assert.True(expected.All(float.IsFinite), $"{what}: TorchSharp's logits are not all finite.");
        return worst;
    }

    /// <summary>As <see cref="Classifier"/>, without a neck: a transformer's class token goes straight to its head.</summary>
    public static ImageClassifierModel ClassifierWithoutNeck(Backbone backbone, Head head) => Assemble(backbone, null, head);

    /// <summary>
    /// Draws every parameter whose state-dict key is or ends with ("." and) one of <paramref name="names"/>
    /// from N(0, 0.5²): layer scales, GRN's gamma and beta, class tokens, position embeddings and
    /// relative position biases start at zero or near it, and small attention weights give a nearly
    /// uniform attention; either would hide a wrong export of what they touch.
    /// </summary>
    public static void RandomizeParameters(nn.Module model, params string[] names)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (names.Any(wanted => name == wanted || name.EndsWith("." + wanted, StringComparison.Ordinal)))
            {
                parameter.copy_(torch.randn_like(parameter) * 0.5);
            }
        }
    }

    private static ImageClassifierModel Assemble(Backbone backbone, Neck? neck, Head head)
    {
        var model = new ImageClassifierModel(
            backbone,
            neck,
            head,
            dataPreprocessor: new ClsDataPreprocessor([123.675, 116.28, 103.53], [58.395, 57.12, 57.375], toRGB: true));
        RandomizeNorms(model);
        return model;
    }
}
