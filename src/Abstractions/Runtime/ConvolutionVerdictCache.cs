using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp;

namespace ImageClassifier.Runtime;

/// <summary>
/// Remembers, per machine, that the convolution check passed, so that only the first process on a
/// CPU pays for it (a fraction of a second to a few seconds while oneDNN compiles its kernels). The
/// key is the CPU's model name and feature flags and the TorchSharp build (which fixes libtorch's
/// version); a failed check is never stored, so a CPU whose oneDNN is wrong is checked every time.
/// Any trouble reading or writing the file only means the check runs.
/// </summary>
internal static class ConvolutionVerdictCache
{
    private const string FileName = "convolution-check.json";

    /// <summary>The passing verdict stored for this machine, or null.</summary>
    public static ConvolutionCheckResult? TryReadPassed(string directory)
    {
        try
        {
            var path = Path.Combine(directory, FileName);
            if (!File.Exists(path))
            {
                return null;
            }

            var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path));
            return entries is not null && entries.TryGetValue(MachineKey(), out var worstCase)
                ? new ConvolutionCheckResult(true, worstCase, 0, TimeSpan.Zero, FromCache: true)
                : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Stores a passing verdict for this machine, atomically; a failure to write is ignored.</summary>
    public static void RecordPassed(string directory, ConvolutionCheckResult result)
    {
        if (!result.Passed)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, FileName);
            var entries = File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [] : [];
            entries[MachineKey()] = $"{result.WorstCase}: {result.WorstRelativeError:G3}, checked {DateTimeOffset.UtcNow:yyyy-MM-dd}";
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            // Only a cache: the next process checks again.
        }
    }

    /// <summary>A hash of what decides the verdict: the CPU model and flags, and the libtorch build.</summary>
    public static string MachineKey()
    {
        var cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(line => line.Length > 0).ToList();
            cpu = string.Join("\n", lines.Where(line => line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("flags", StringComparison.Ordinal)));
        }

        var build = typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown TorchSharp";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{cpu}\n{build}")))[..32].ToLowerInvariant();
    }
}
