using System.Globalization;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// A RegNet design as mmpretrain's <c>arch</c> dict gives it, and the stages it makes under
/// mmpretrain's rule (Radosavovic et al., "Designing Network Design Spaces"): block j of
/// <see cref="Depth"/> is w0 + j * wa wide on a continuous line, moved to the nearest power of wm
/// times w0 in log space and rounded to a multiple of 8; runs of equal widths are the stages; each
/// stage's bottleneck width (width * bot_mul) is then rounded to a multiple of its group width
/// (group_w, or the bottleneck width where that is smaller).
/// </summary>
/// <remarks>
/// That last rounding is mmpretrain's: the nearest multiple, by Python's <c>round</c>, ties to even
/// (as .NET's <see cref="Math.Round(double)"/> rounds). torchvision's <c>_make_divisible</c> rounds
/// ties up and never goes below 90 % of the width, so the same settings give it other widths in two
/// of the eight designs: RegNetX-400MF's last stage (392 channels are 24.5 groups of 16: mmpretrain
/// takes 384, torchvision 400) and RegNetX-4.0GF's first (96 are 2.4 groups of 40: 80 or 120).
/// </remarks>
/// <param name="W0">Width of the first block; a positive multiple of 8.</param>
/// <param name="Wa">Slope of the continuous widths, per block; 0 or more.</param>
/// <param name="Wm">The ratio between the quantised widths of consecutive stages; above 1.</param>
/// <param name="Depth">Blocks in all stages together.</param>
/// <param name="GroupW">Channels per group of the grouped 3x3 convs.</param>
/// <param name="BotMul">Bottleneck width / output width of each block.</param>
public sealed record RegNetArch(int W0, double Wa, double Wm, int Depth, int GroupW, double BotMul)
{
    private const int WidthDivisor = 8;

    /// <summary>mmpretrain's <c>arch_settings</c> of RegNet, the RegNetX designs.</summary>
    public static IReadOnlyDictionary<string, RegNetArch> Named { get; } = new Dictionary<string, RegNetArch>(StringComparer.Ordinal)
    {
        ["regnetx_400mf"] = new(24, 24.48, 2.54, 22, 16, 1.0),
        ["regnetx_800mf"] = new(56, 35.73, 2.28, 16, 16, 1.0),
        ["regnetx_1.6gf"] = new(80, 34.01, 2.25, 18, 24, 1.0),
        ["regnetx_3.2gf"] = new(88, 26.31, 2.25, 25, 48, 1.0),
        ["regnetx_4.0gf"] = new(96, 38.65, 2.43, 23, 40, 1.0),
        ["regnetx_6.4gf"] = new(184, 60.83, 2.07, 17, 56, 1.0),
        ["regnetx_8.0gf"] = new(80, 49.56, 2.88, 23, 120, 1.0),
        ["regnetx_12gf"] = new(168, 73.36, 2.37, 19, 112, 1.0),
    };

    /// <summary>
    /// The design an <c>arch</c> name and the dict members give: the named design with each member
    /// that is set replacing its value, or, without a name, the members alone (w0, wa, wm, depth
    /// and group_w must then all be set; bot_mul is 1 when not).
    /// </summary>
    /// <exception cref="ConfigValueException">An unknown name, a missing member without a name, or a value the rule cannot use.</exception>
    public static RegNetArch Resolve(string? arch, int? w0, double? wa, double? wm, int? depth, int? groupW, double? botMul)
    {
        RegNetArch resolved;
        if (arch is not null)
        {
            if (!Named.TryGetValue(arch, out var named))
            {
                throw new ConfigValueException("arch", arch, $"one of {string.Join(", ", Named.Keys.Select(name => $"\"{name}\""))}");
            }

            resolved = new RegNetArch(w0 ?? named.W0, wa ?? named.Wa, wm ?? named.Wm, depth ?? named.Depth, groupW ?? named.GroupW, botMul ?? named.BotMul);
        }
        else if (w0 is { } width && wa is { } slope && wm is { } ratio && depth is { } blocks && groupW is { } groupWidth)
        {
            resolved = new RegNetArch(width, slope, ratio, blocks, groupWidth, botMul ?? 1.0);
        }
        else
        {
            var missing = w0 is null ? "w0" : wa is null ? "wa" : wm is null ? "wm" : depth is null ? "depth" : "group_w";
            throw new ConfigValueException(missing, null, "set when arch is not: w0, wa, wm, depth and group_w (and optionally bot_mul) give a custom arch together, as mmpretrain's arch dict does");
        }

        resolved.Check();
        return resolved;
    }

    /// <summary>
    /// The stages, shallowest first: blocks, output width, and the grouped bottleneck of each
    /// (groups = round(width * bot_mul) / group width, relative to the stage's own width, which is
    /// how mmpretrain hands them to ResNeXt's bottleneck).
    /// </summary>
    /// <exception cref="ConfigValueException">The design breaks the rule's conditions.</exception>
    public IReadOnlyList<ResStage> Stages()
    {
        Check();
        var (widths, blocks) = QuantisedStages();
        var stages = new ResStage[widths.Count];
        for (var stage = 0; stage < widths.Count; stage++)
        {
            var bottleneckWidth = (int)(widths[stage] * BotMul);
            if (bottleneckWidth < 1)
            {
                throw new ConfigValueException("bot_mul", BotMul, $"large enough that every stage has a bottleneck: stage {stage} is {widths[stage]} wide");
            }

            var groupWidth = Math.Min(GroupW, bottleneckWidth);
            bottleneckWidth = (int)Math.Round((double)bottleneckWidth / groupWidth) * groupWidth;
            var width = (int)(bottleneckWidth / BotMul);
            var groups = (int)Math.Round(width * BotMul) / groupWidth;
            if (groups < 1)
            {
                throw new ConfigValueException("bot_mul", BotMul, $"large enough that stage {stage} ({width} wide) has at least one group of {groupWidth}");
            }

            stages[stage] = new ResStage(blocks[stage], width, new BottleneckOptions(groups, groupWidth), width);
        }

        return stages;
    }

    /// <summary>The design in the form messages use ("w0 24, wa 24.48, wm 2.54, depth 22, group_w 16, bot_mul 1").</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"w0 {W0}, wa {Wa}, wm {Wm}, depth {Depth}, group_w {GroupW}, bot_mul {BotMul}");

    // mmpretrain asserts the same conditions.
    private void Check()
    {
        if (W0 < 1 || W0 % WidthDivisor != 0)
        {
            throw new ConfigValueException("w0", W0, "a positive multiple of 8");
        }

        if (Wa < 0 || !double.IsFinite(Wa))
        {
            throw new ConfigValueException("wa", Wa, "a finite number >= 0");
        }

        if (Wm <= 1 || !double.IsFinite(Wm))
        {
            throw new ConfigValueException("wm", Wm, "a finite number > 1");
        }

        if (Depth < 1)
        {
            throw new ConfigValueException("depth", Depth, ">= 1");
        }

        if (GroupW < 1)
        {
            throw new ConfigValueException("group_w", GroupW, ">= 1");
        }

        if (BotMul <= 0 || !double.IsFinite(BotMul))
        {
            throw new ConfigValueException("bot_mul", BotMul, "a finite number > 0");
        }
    }

    // The quantised linear widths of the blocks, merged into runs of equal width.
    private (List<int> Widths, List<int> Blocks) QuantisedStages()
    {
        var widths = new List<int>();
        var blocks = new List<int>();
        for (var block = 0; block < Depth; block++)
        {
            var continuous = (block * Wa) + W0;
            var step = Math.Round(Math.Log(continuous / W0) / Math.Log(Wm));
            var width = (int)(Math.Round(W0 * Math.Pow(Wm, step) / WidthDivisor) * WidthDivisor);
            if (widths.Count > 0 && widths[^1] == width)
            {
                blocks[^1]++;
            }
            else
            {
                widths.Add(width);
                blocks.Add(1);
            }
        }

        return (widths, blocks);
    }
}
