using System.Globalization;
using System.Text.Json;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// Refuses a model config whose parameters would take more memory than <see cref="ModelMemoryLimit"/>
/// allows, before anything is built: every component config in the tree that implements
/// <see cref="IParameterEstimate"/> is asked for its size, and the error names the member of the
/// largest one (<c>$.model.head.num_classes</c>) where the config set it.
/// </summary>
/// <remarks>
/// Components without an estimate count as nothing: their configs are still built, and an
/// allocation that fails there is reported by <see cref="ConfigBinder.BuildComponent(ConfigDocument, string, ComponentConfig)"/>.
/// </remarks>
internal static class ModelSizeGuard
{
    /// <summary>Throws when the estimated parameters of <paramref name="config"/> pass <paramref name="limitBytes"/>.</summary>
    public static void Check(ConfigDocument document, ConfigJsonPath path, ComponentConfig config, JsonSerializerOptions options, long limitBytes)
    {
        var components = new List<(ComponentConfig Config, ConfigJsonPath Path)>();
        ComponentBuildErrors.Collect(options, config, path, components);
        var parts = components
            .Where(component => component.Config is IParameterEstimate)
            .Select(component => (component.Path, component.Config.TypeName, Estimate: ((IParameterEstimate)component.Config).EstimateParameters()))
            .ToList();
        var total = parts.Sum(part => part.Estimate.Count);
        var bytes = total * ModelMemoryLimit.BytesPerParameter;
        if (bytes <= limitBytes || parts.Count == 0)
        {
            return;
        }

        var (largestPath, typeName, largest) = parts.MaxBy(part => part.Estimate.Count);
        var memberPath = largestPath.Member(largest.Member);
        var share = ReferenceEquals(largestPath, path) || parts.Count == 1
            ? string.Empty
            : $"; {typeName} at {largestPath} alone has about {Count(largest.Count)}";
        var limitText = limitBytes == long.MaxValue ? "unlimited" : ModelMemoryLimit.Describe(limitBytes);
        throw document.CreateException(
            memberPath.ToString(),
            $"the model would have about {Count(total)} parameters ({ModelMemoryLimit.Describe(bytes)} as float32){share}, mostly from {largest.Member}; "
            + $"a model may take at most {limitText} here, so it was not built ({ModelMemoryLimit.Variable} sets that limit; by default a quarter of this machine's memory)");
    }

    private static string Count(double count) =>
        count < 1e15 ? ((long)count).ToString("N0", CultureInfo.InvariantCulture) : count.ToString("0.##E+0", CultureInfo.InvariantCulture);
}
