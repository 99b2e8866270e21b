using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ImageClassifier.Runtime;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// Checkpoints named by URL (<c>load_from</c>, <c>init_cfg</c> <c>checkpoint</c>, any checkpoint
/// argument): downloaded once into <c>ICLS_HOME/checkpoints</c> and read from there afterwards.
/// The bytes go to a <c>.part</c> file, which a later attempt continues with an HTTP range request;
/// the file takes its final name only when complete and, when its name carries the SHA-256 prefix
/// mmpretrain and torchvision put there (<c>resnet50-0676ba61.pth</c>,
/// <c>..._20210831-ea4938fc.pth</c>), only when its hash starts with it. A file that fails the check
/// is deleted, so the cache never holds a half-written or wrong checkpoint under a usable name.
/// </summary>
public static partial class CheckpointDownloader
{
    private const string PartialSuffix = ".part";
    private static readonly HttpClient SharedClient = new() { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>Where progress goes; null (the default) writes a line on standard error per tenth of each file.</summary>
    public static IProgress<DownloadProgress>? Progress { get; set; }

    /// <summary>Whether <paramref name="path"/> is an http or https URL rather than a file.</summary>
    public static bool IsUrl(string? path) =>
        path is not null
        && (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    /// <summary>The cache folder: <c>checkpoints</c> under <see cref="IclsHome"/>.</summary>
    /// <exception cref="InvalidOperationException">No home folder can be found and ICLS_HOME is not set.</exception>
    public static string CacheFolder() =>
        Path.Combine(IclsHome.Resolve() ?? throw new InvalidOperationException($"Set {IclsHome.Variable} to a folder for downloaded checkpoints."), "checkpoints");

    /// <summary>The local copy of <paramref name="url"/>, downloaded into <paramref name="cacheFolder"/> (<see cref="CacheFolder"/> when null) unless already there.</summary>
    /// <exception cref="CheckpointFormatException">The download failed, or the file's SHA-256 does not start with the prefix its name carries (the file is removed).</exception>
    public static string Resolve(string url, string? cacheFolder = null, HttpClient? client = null, IProgress<DownloadProgress>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        var fileName = FileName(url);
        var folder = cacheFolder ?? CacheFolder();
        var target = Path.Combine(folder, fileName);
        if (File.Exists(target))
        {
            return target;
        }

        Directory.CreateDirectory(folder);
        var partial = target + PartialSuffix;
        try
        {
            Download(url, partial, client ?? SharedClient, progress ?? Progress ?? new TenthsOnStandardError());
        }
        catch (Exception error) when (error is HttpRequestException or IOException or TaskCanceledException)
        {
            throw new CheckpointFormatException(url, $"'{url}' could not be downloaded ({error.Message}); what arrived is kept in '{partial}' and the next attempt continues it.", error);
        }

        if (HashPrefix(fileName) is { } expected)
        {
            var actual = Sha256(partial);
            if (!actual.StartsWith(expected, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(partial);
                throw new CheckpointFormatException(url, $"'{url}' downloaded, but its SHA-256 is {actual}, which does not start with {expected} as its name says; the file was removed.");
            }
        }

        File.Move(partial, target, overwrite: true);
        return target;
    }

    private static void Download(string url, string partial, HttpClient client, IProgress<DownloadProgress>? progress)
    {
        var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        using var response = client.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (have > 0 && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The part already holds the whole file: only the check and the rename are left.
            return;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        // 206 continues the part; a server that ignores ranges sends the whole file again (200).
        var resumed = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
        var received = resumed ? have : 0;
        var total = response.Content.Headers.ContentLength is { } length ? received + length : (long?)null;
        using var source = response.Content.ReadAsStream();
        using var destination = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            destination.Write(buffer, 0, read);
            received += read;
            progress?.Report(new DownloadProgress(url, received, total));
        }

        destination.Flush(flushToDisk: true);
        if (total is { } expected && received != expected)
        {
            throw new IOException($"the connection ended after {received} of {expected} bytes");
        }
    }

    private static string FileName(string url)
    {
        var name = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Uri.UnescapeDataString(Path.GetFileName(uri.AbsolutePath)) : string.Empty;
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
        {
            throw new CheckpointFormatException(url, $"'{url}' does not end in a file name to keep the checkpoint under.");
        }

        return name;
    }

    private static string? HashPrefix(string fileName)
    {
        var match = HashInName().Match(fileName);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    // torchvision's "<name>-<8+ hex>.pth" and mmpretrain's "..._<date>-<8 hex>.pth".
    [GeneratedRegex(@"-([0-9a-fA-F]{8,64})\.[A-Za-z0-9]+$")]
    private static partial Regex HashInName();

    private sealed class TenthsOnStandardError : IProgress<DownloadProgress>
    {
        private long lastStep = -1;

        public void Report(DownloadProgress value)
        {
            // A line per tenth of the file, or per 16 MB when the server gives no size.
            var step = value.Total is > 0 and var total ? value.Received * 10 / total : value.Received >> 24;
            if (step != lastStep)
            {
                lastStep = step;
                var size = value.Total is { } all ? $"{value.Received / 1e6:F1} of {all / 1e6:F1} MB" : $"{value.Received / 1e6:F1} MB";
                Console.Error.WriteLine($"Downloading {value.Url}: {size}");
            }
        }
    }
}
