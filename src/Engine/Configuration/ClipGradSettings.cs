namespace ImageClassifier.Engine.Configuration;

/// <summary>
/// <c>optim_wrapper.clip_grad</c>: mmengine's OptimWrapper passes it to
/// <c>torch.nn.utils.clip_grad_norm_</c> (<c>{"max_norm": 35, "norm_type": 2}</c>) or, with
/// <c>"type": "value"</c>, to <c>clip_grad_value_</c> (<c>{"type": "value", "clip_value": 1}</c>).
/// Exactly one of <see cref="MaxNorm"/> and <see cref="ClipValue"/> is set.
/// </summary>
public sealed record ClipGradSettings
{
    /// <summary><c>max_norm</c>: the gradients' total norm is scaled down to this when above it; null when clipping by value.</summary>
    public double? MaxNorm { get; init; }

    /// <summary><c>norm_type</c>: the p of the total p-norm (2 by default; infinity for the largest magnitude).</summary>
    public double NormType { get; init; } = 2.0;

    /// <summary><c>error_if_nonfinite</c>: stop training when the total norm is NaN or infinite, instead of clipping with it.</summary>
    public bool ErrorIfNonfinite { get; init; }

    /// <summary><c>clip_value</c> of <c>"type": "value"</c>: every gradient element is clamped to [-clip_value, clip_value]; null when clipping by norm.</summary>
    public double? ClipValue { get; init; }

    /// <summary>Clipping by norm (<c>clip_grad_norm_</c>).</summary>
    public static ClipGradSettings Norm(double maxNorm, double normType = 2.0) => new() { MaxNorm = maxNorm, NormType = normType };

    /// <summary>Clipping by value (<c>clip_grad_value_</c>).</summary>
    public static ClipGradSettings Value(double clipValue) => new() { ClipValue = clipValue };
}
