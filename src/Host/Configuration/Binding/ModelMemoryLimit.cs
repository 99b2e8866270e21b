using System.Globalization;
using ImageClassifier.Runtime;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// How much memory a model's parameters may take before its config is refused, unbuilt. The
/// default is a quarter of the memory this process may use (the machine's, or its container's
/// limit): training needs the parameters about four times over (weights, gradients and AdamW's two
/// moments), so a model past a quarter could not be trained here anyway.
/// </summary>
public static class ModelMemoryLimit
{
    /// <summary>The environment variable that overrides the default: bytes, or a number with K, M, G or T (<c>8G</c>, <c>8GiB</c>); <c>none</c> turns the check off.</summary>
    public const string Variable = "ICLS_MAX_MODEL_MEMORY";

    /// <summary>Parameters are counted as float32.</summary>
    public const int BytesPerParameter = 4;

    /// <summary>The limit in bytes from <see cref="Variable"/>, else the default; <see cref="long.MaxValue"/> when turned off.</summary>
    /// <exception cref="ConfigException">The variable is set but is not a size.</exception>
    public static long FromEnvironment() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text ? Parse(text) : Default;

    /// <summary>A quarter of the memory available to this process.</summary>
    public static long Default => Math.Max(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4, 64L * 1024 * 1024);

    /// <summary>Reads a size as every ICLS_MAX_* variable is read (<see cref="SizeLimitVariable"/>).</summary>
    /// <exception cref="ConfigException">Not a size.</exception>
    public static long Parse(string text)
    {
        try
        {
            return SizeLimitVariable.Parse(Variable, text, Default, "bytes of float32 parameters");
        }
        catch (ArgumentException error)
        {
            throw new ConfigException(SourceLocation.WholeFile($"environment variable {Variable}"), null, error.Message);
        }
    }

    /// <summary>"6.4 GiB", "512 MiB".</summary>
    public static string Describe(double bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        var unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} bytes")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.#} {units[unit]}");
    }
}
