using ImageClassifier.Data.Datasets;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>AutoAugment</c> (Cubuk et al., 2018): for each image, one sub-policy picked
/// uniformly from <c>policies</c> and its transforms applied in order, each with its own
/// probability and magnitude; <c>hparams</c> fill in the settings a transform leaves unset. Preset:
/// "imagenet" (the ImageNet policy, as mmpretrain takes it from DeepVoltaire/AutoAugment).
/// </summary>
[RegisterModel]
public sealed class AutoAugment : Transform
{
    private readonly Transform[][] subPolicies;

    /// <summary>Creates the transform.</summary>
    /// <param name="policies">"imagenet", or a list of sub-policies, each a list of transform configs.</param>
    /// <param name="hparams">pad_val and interpolation for the transforms that take them and do not set them; null leaves their defaults (pad_val 128).</param>
    public AutoAugment(AugmentPolicies policies, AugmentHparams? hparams = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var built = policies switch
        {
            { Preset: "imagenet" } => ImageNet(),
            { Preset: { } name } => throw new ConfigValueException("policies", name, "\"imagenet\" or a list of sub-policies"),
            { SubPolicies: { Count: > 0 } lists } => [.. lists.Select((list, index) => list.Count > 0
                ? AugmentPolicies.Build(list, $"policies[{index}]")
                : throw new ConfigValueException($"policies[{index}]", list, "a non-empty list of transform configs"))],
            _ => throw new ConfigValueException("policies", policies, "\"imagenet\" or a non-empty list of sub-policies, each a list of transform configs"),
        };
        var shared = hparams ?? new AugmentHparams();
        subPolicies = [.. built.Select(subPolicy => subPolicy.Select(policy => policy is AugmentTransform augment ? augment.AsPolicy(null, shared) : policy).ToArray())];
    }

    /// <summary>The sub-policies as they are applied: built, with this transform's hparams.</summary>
    public IReadOnlyList<IReadOnlyList<Transform>> SubPolicies => subPolicies;

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        foreach (var transform in subPolicies[random.Next(subPolicies.Length)])
        {
            sample = transform.Apply(sample, random);
        }

        return sample;
    }

    private static Transform[][] ImageNet() =>
    [
        [new Posterize(bits: 4, prob: 0.4), new Rotate(angle: 30.0, prob: 0.6)],
        [new Solarize(thr: 256.0 / 9 * 4, prob: 0.6), new AutoContrast(prob: 0.6)],
        [new Equalize(prob: 0.8), new Equalize(prob: 0.6)],
        [new Posterize(bits: 5, prob: 0.6), new Posterize(bits: 5, prob: 0.6)],
        [new Equalize(prob: 0.4), new Solarize(thr: 256.0 / 9 * 5, prob: 0.2)],
        [new Equalize(prob: 0.4), new Rotate(angle: 30.0 / 9 * 8, prob: 0.8)],
        [new Solarize(thr: 256.0 / 9 * 6, prob: 0.6), new Equalize(prob: 0.6)],
        [new Posterize(bits: 6, prob: 0.8), new Equalize(prob: 1.0)],
        [new Rotate(angle: 10.0, prob: 0.2), new Solarize(thr: 256.0 / 9, prob: 0.6)],
        [new Equalize(prob: 0.6), new Posterize(bits: 5, prob: 0.4)],
        [new Rotate(angle: 30.0 / 9 * 8, prob: 0.8), new ColorTransform(magnitude: 0.0, prob: 0.4)],
        [new Rotate(angle: 30.0, prob: 0.4), new Equalize(prob: 0.6)],
        [new Equalize(prob: 0.0), new Equalize(prob: 0.8)],
        [new Invert(prob: 0.6), new Equalize(prob: 1.0)],
        [new ColorTransform(magnitude: 0.4, prob: 0.6), new Contrast(magnitude: 0.8, prob: 1.0)],
        [new Rotate(angle: 30.0 / 9 * 8, prob: 0.8), new ColorTransform(magnitude: 0.2, prob: 1.0)],
        [new ColorTransform(magnitude: 0.8, prob: 0.8), new Solarize(thr: 256.0 / 9 * 2, prob: 0.8)],
        [new Sharpness(magnitude: 0.7, prob: 0.4), new Invert(prob: 0.6)],
        [new Shear(magnitude: 0.3 / 9 * 5, prob: 0.6, direction: AxisDirection.Horizontal), new Equalize(prob: 1.0)],
        [new ColorTransform(magnitude: 0.0, prob: 0.4), new Equalize(prob: 0.6)],
        [new Equalize(prob: 0.4), new Solarize(thr: 256.0 / 9 * 5, prob: 0.2)],
        [new Solarize(thr: 256.0 / 9 * 4, prob: 0.6), new AutoContrast(prob: 0.6)],
        [new Invert(prob: 0.6), new Equalize(prob: 1.0)],
        [new ColorTransform(magnitude: 0.4, prob: 0.6), new Contrast(magnitude: 0.8, prob: 1.0)],
        [new Equalize(prob: 0.8), new Equalize(prob: 0.6)],
    ];
}
