using ImageClassifier.Data.Datasets;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>RandAugment</c> (Cubuk et al., 2019): for each image, <c>num_policies</c>
/// transforms picked uniformly (with replacement) from <c>policies</c> and applied in turn. Every
/// policy with a <c>magnitude_range</c> takes this transform's <c>magnitude_level</c>,
/// <c>magnitude_std</c> and <c>total_level</c>; <c>hparams</c> fill in the settings a policy leaves
/// unset. Presets: "timm_increasing" (timm's <c>_RAND_INCREASING_TRANSFORMS</c>) and "simple_increasing".
/// </summary>
[RegisterModel]
public sealed class RandAugment : Transform
{
    private static readonly string[] PresetNames = ["timm_increasing", "simple_increasing"];

    private readonly Transform[] policies;
    private readonly int numPolicies;

    /// <summary>Creates the transform.</summary>
    /// <param name="policies">A preset's name, or a list of transform configs (those that map a magnitude_range give it, e.g. {"type": "Rotate", "magnitude_range": [0, 30]}).</param>
    /// <param name="numPolicies">How many policies each image goes through.</param>
    /// <param name="magnitudeLevel">The level of every policy that maps a magnitude_range.</param>
    /// <param name="magnitudeStd">How the level varies from image to image: a standard deviation, or "inf" for uniform from 0 to the level; null is 0.</param>
    /// <param name="totalLevel">The level that maps to the second value of each magnitude_range.</param>
    /// <param name="hparams">pad_val and interpolation for the policies that take them and do not set them; null leaves their defaults (pad_val 128).</param>
    public RandAugment(
        AugmentPolicies policies,
        [ValueRange(Minimum = 1)] int numPolicies,
        [ValueRange(Minimum = 0)] double magnitudeLevel,
        MagnitudeStd? magnitudeStd = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double totalLevel = 10,
        AugmentHparams? hparams = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        if (numPolicies < 1)
        {
            throw new ConfigValueException("num_policies", numPolicies, "at least 1");
        }

        if (!(magnitudeLevel >= 0))
        {
            throw new ConfigValueException("magnitude_level", magnitudeLevel, "0 or more");
        }

        if (!(totalLevel > 0))
        {
            throw new ConfigValueException("total_level", totalLevel, "greater than 0");
        }

        var built = policies switch
        {
            { Preset: "timm_increasing" } => TimmIncreasing(),
            { Preset: "simple_increasing" } => SimpleIncreasing(),
            { Preset: { } name } => throw new ConfigValueException("policies", name, $"one of {string.Join(", ", PresetNames.Select(preset => $"\"{preset}\""))} or a list of transform configs"),
            { Policies: { Count: > 0 } list } => AugmentPolicies.Build(list, "policies"),
            _ => throw new ConfigValueException("policies", policies, "a preset's name or a non-empty list of transform configs (not a list of lists, which is AutoAugment's form)"),
        };
        var shared = hparams ?? new AugmentHparams();
        this.policies = [.. built.Select(policy => policy is AugmentTransform augment ? augment.AsPolicy((magnitudeLevel, magnitudeStd, totalLevel), shared) : policy)];
        this.numPolicies = numPolicies;
    }

    /// <summary>The policies as they are applied: built, with this transform's level and hparams.</summary>
    public IReadOnlyList<Transform> Policies => policies;

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);

        // mmpretrain picks every index first, then applies the picked transforms in order.
        var chosen = new int[numPolicies];
        for (var index = 0; index < chosen.Length; index++)
        {
            chosen[index] = random.Next(policies.Length);
        }

        foreach (var index in chosen)
        {
            sample = policies[index].Apply(sample, random);
        }

        return sample;
    }

    private static Transform[] TimmIncreasing() =>
    [
        new AutoContrast(),
        new Equalize(),
        new Invert(),
        new Rotate(magnitudeRange: [0, 30]),
        new Posterize(magnitudeRange: [4, 0]),
        new Solarize(magnitudeRange: [256, 0]),
        new SolarizeAdd(magnitudeRange: [0, 110]),
        new ColorTransform(magnitudeRange: [0, 0.9]),
        new Contrast(magnitudeRange: [0, 0.9]),
        new Brightness(magnitudeRange: [0, 0.9]),
        new Sharpness(magnitudeRange: [0, 0.9]),
        new Shear(magnitudeRange: [0, 0.3], direction: AxisDirection.Horizontal),
        new Shear(magnitudeRange: [0, 0.3], direction: AxisDirection.Vertical),
        new Translate(magnitudeRange: [0, 0.45], direction: AxisDirection.Horizontal),
        new Translate(magnitudeRange: [0, 0.45], direction: AxisDirection.Vertical),
    ];

    private static Transform[] SimpleIncreasing() =>
    [
        new AutoContrast(),
        new Equalize(),
        new Rotate(magnitudeRange: [0, 30]),
        new Shear(magnitudeRange: [0, 0.3], direction: AxisDirection.Horizontal),
        new Shear(magnitudeRange: [0, 0.3], direction: AxisDirection.Vertical),
    ];
}
