using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp;

namespace ImageClassifier.Runtime;

/// <summary>
/// Small verdicts remembered per machine in a JSON file under <see cref="IclsHome"/>: a dictionary
/// from a key (which folds in <see cref="MachineKey"/>) to a line of text. It is only a cache: any
/// trouble reading or writing the file reads as "not stored", and the caller works the answer out
/// again. Writes replace the file atomically, so concurrent processes never see half of one.
/// </summary>
public static class MachineCache
{
    /// <summary>The value stored under <paramref name="key"/> in <paramref name="fileName"/>, or null.</summary>
    public static string? TryRead(string directory, string fileName, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        try
        {
            return ReadEntries(Path.Combine(directory, fileName)).GetValueOrDefault(key);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, keeping the file's other entries; a failure to write is ignored.</summary>
    public static void Write(string directory, string fileName, string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        try
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, fileName);
            Dictionary<string, string> entries;
            try
            {
                entries = ReadEntries(path);
            }
            catch (JsonException)
            {
                // A damaged file is replaced rather than left to fail every later read.
                entries = [];
            }

            entries[key] = value;
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            // Only a cache: the next process works it out again.
        }
    }

    /// <summary>A hash of what makes one machine's kernels differ from another's: the CPU model and flags, and the libtorch build.</summary>
    public static string MachineKey()
    {
        var cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(line => line.Length > 0).ToList();
            cpu = string.Join("\n", lines.Where(line => line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("flags", StringComparison.Ordinal)));
        }

        var build = typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown TorchSharp";
        return Hash($"{cpu}\n{build}");
    }

    /// <summary>A short hex SHA-256 of <paramref name="text"/>, for keys.</summary>
    public static string Hash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32].ToLowerInvariant();

    private static Dictionary<string, string> ReadEntries(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [] : [];
}
