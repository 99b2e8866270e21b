using System.Globalization;

namespace ImageClassifier.LoadTest;

/// <summary>A process's resident set size, read from /proc/PID/status (Linux).</summary>
internal static class ResidentMemory
{
    /// <summary>VmRSS in MiB; null when the process or /proc is not there.</summary>
    public static double? MiB(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(text => text.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kilobytes is null ? null : double.Parse(kilobytes, CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
