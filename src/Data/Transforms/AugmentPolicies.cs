using System.Text.Json.Serialization;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// The <c>policies</c> of <see cref="RandAugment"/> and <see cref="AutoAugment"/>, in mmpretrain's
/// three forms: a preset's name (<c>"timm_increasing"</c>, <c>"imagenet"</c>), a list of transform
/// configs (RandAugment's own policies), or a list of lists of transform configs (AutoAugment's
/// sub-policies). C# code converts a string to it.
/// </summary>
[JsonConverter(typeof(AugmentPoliciesConverter))]
public sealed class AugmentPolicies : IEquatable<AugmentPolicies>
{
    private AugmentPolicies(string? preset, IReadOnlyList<ComponentConfig<Transform>>? policies, IReadOnlyList<IReadOnlyList<ComponentConfig<Transform>>>? subPolicies)
    {
        Preset = preset;
        Policies = policies;
        SubPolicies = subPolicies;
    }

    /// <summary>The preset's name, when the policies are one.</summary>
    public string? Preset { get; }

    /// <summary>The list of transform configs, when written as one.</summary>
    public IReadOnlyList<ComponentConfig<Transform>>? Policies { get; }

    /// <summary>The list of lists of transform configs, when written as one.</summary>
    public IReadOnlyList<IReadOnlyList<ComponentConfig<Transform>>>? SubPolicies { get; }

    /// <summary>A preset, by name.</summary>
    public static implicit operator AugmentPolicies(string preset) => Named(preset);

    /// <summary>A preset, by name.</summary>
    public static AugmentPolicies Named(string preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return new(preset, null, null);
    }

    /// <summary>RandAugment's form: transforms one or more of which are picked for each image.</summary>
    public static AugmentPolicies Of(params ComponentConfig<Transform>[] policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return new(null, [.. policies], null);
    }

    /// <summary>AutoAugment's form: sub-policies one of which is picked for each image and applied in order.</summary>
    public static AugmentPolicies OfSubPolicies(params ComponentConfig<Transform>[][] subPolicies)
    {
        ArgumentNullException.ThrowIfNull(subPolicies);
        return new(null, null, [.. subPolicies.Select(subPolicy => (IReadOnlyList<ComponentConfig<Transform>>)[.. subPolicy])]);
    }

    /// <summary>Builds the listed policies; a policy's refusal names its place: <c>policies[3].magnitude_range</c>.</summary>
    internal static Transform[] Build(IReadOnlyList<ComponentConfig<Transform>> configs, string prefix)
    {
        var built = new Transform[configs.Count];
        for (var index = 0; index < configs.Count; index++)
        {
            var at = $"{prefix}[{index}]";
            try
            {
                built[index] = (configs[index] ?? throw new ConfigValueException(at, null, "a transform config")).Build();
            }
            catch (ConfigValueException refusal) when (!refusal.Member.StartsWith(at, StringComparison.Ordinal))
            {
                throw new ConfigValueException($"{at}.{refusal.Member}", refusal.Value, refusal.Expectation);
            }
        }

        return built;
    }

    /// <inheritdoc />
    public bool Equals(AugmentPolicies? other) =>
        other is not null
        && Preset == other.Preset
        && ConfigEquality.AreEqual(Policies, other.Policies)
        && ConfigEquality.AreEqual(SubPolicies, other.SubPolicies);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AugmentPolicies);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Preset, ConfigEquality.GetHashCode(Policies), ConfigEquality.GetHashCode(SubPolicies));

    /// <summary>The preset's name in quotes, or the types of the listed transforms.</summary>
    public override string ToString() =>
        Preset is not null ? $"\"{Preset}\""
        : Policies is not null ? "[" + string.Join(", ", Policies.Select(policy => policy?.TypeName)) + "]"
        : "[" + string.Join(", ", SubPolicies!.Select(subPolicy => "[" + string.Join(", ", subPolicy.Select(policy => policy?.TypeName)) + "]")) + "]";
}
