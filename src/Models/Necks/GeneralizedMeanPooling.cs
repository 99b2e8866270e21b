using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Necks;

/// <summary>
/// Generalized mean (GeM) pooling (Radenović et al., "Fine-tuning CNN Image Retrieval with No
/// Human Annotation"): each feature map (N, C, H, W) becomes (N, C) as
/// (mean over H, W of x^p)^(1/p), with x clamped to at least eps first. p = 1 is average pooling
/// and a large p approaches max pooling; p is learned unless frozen.
/// </summary>
[RegisterModel]
public sealed class GeneralizedMeanPooling : Neck, IOnnxExportable
{
    // "p" is mmpretrain's parameter name, so it is the checkpoint key (neck.p), shape (1).
    private readonly Parameter p;
    private readonly double eps;
    private readonly bool clamp;

    /// <summary>Creates the neck.</summary>
    /// <param name="p">The starting exponent, at least 1.</param>
    /// <param name="eps">The floor features are clamped to before the power, so that it stays defined.</param>
    /// <param name="clamp">Clamp the features to at least eps before pooling.</param>
    /// <param name="pTrainable">Learn p with the other parameters.</param>
    public GeneralizedMeanPooling(
        [ValueRange(Minimum = 1)] double p = 3.0,
        double eps = 1e-6,
        bool clamp = true,
        bool pTrainable = true)
        : base(nameof(GeneralizedMeanPooling))
    {
        if (!(p >= 1))
        {
            throw new ConfigValueException("p", p, ">= 1");
        }

        using var initial = p.ToScalar();
        this.p = nn.Parameter(torch.full(1, initial, dtype: ScalarType.Float32), requires_grad: pTrainable);
        this.eps = eps;
        this.clamp = clamp;
        RegisterComponents();
    }

    /// <summary>The current exponent p.</summary>
    public double P => p.item<float>();

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var pooled = new Tensor[input.Count];
        for (var index = 0; index < input.Count; index++)
        {
            pooled[index] = Pool(input[index]);
        }

        return pooled;
    }

    /// <summary>Each map clamped (when clamp is set), raised to p, averaged over H and W, raised to 1 / p: (N, C, H, W) to (N, C).</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var exponent = graph.Parameter(p, nameof(p));
        var inverse = graph.Node("Reciprocal", [exponent]);
        var pooled = new string[inputs.Count];
        for (var index = 0; index < inputs.Count; index++)
        {
            var features = clamp ? graph.Node("Clip", [inputs[index], graph.Scalar((float)eps)]) : inputs[index];
            var mean = graph.Node("ReduceMean", [graph.Node("Pow", [features, exponent])], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 0));
            pooled[index] = graph.Node("Pow", [mean, inverse]);
        }

        return pooled;
    }

    private Tensor Pool(Tensor features)
    {
        if (features.dim() != 4)
        {
            throw new ArgumentException($"GeneralizedMeanPooling pools feature maps (N, C, H, W), but got shape ({string.Join(", ", features.shape)}).", nameof(features));
        }

        using var scope = torch.NewDisposeScope();
        using var floor = eps.ToScalar();
        var floored = clamp ? features.clamp(min: floor) : features;
        var mean = floored.pow(p).mean([-2L, -1L]);
        return mean.pow(p.reciprocal()).reshape(features.shape[0], -1).MoveToOuterDisposeScope();
    }
}
