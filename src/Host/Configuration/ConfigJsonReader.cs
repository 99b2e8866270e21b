using System.Buffers;
using System.Text.Unicode;
using ImageClassifier.Shared.Json;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// Reads config JSON (comments and trailing commas allowed, duplicate keys refused) into an
/// immutable <see cref="ConfigNode"/> tree where every node and member name knows its file, line
/// and column. Every problem surfaces as one <see cref="ConfigException"/>.
/// </summary>
public static class ConfigJsonReader
{
    /// <summary>Reads one file (no <c>_base_</c> handling: see <see cref="ConfigLoader"/>).</summary>
    /// <param name="path">The file; locations carry this path as given.</param>
    /// <param name="limits">Size and depth limits; <see cref="ConfigReaderLimits.Default"/> when null.</param>
    /// <exception cref="ConfigException">The file is missing, too large, not UTF-8 or not valid config JSON.</exception>
    public static ConfigNode ReadFile(string path, ConfigReaderLimits? limits = null)
    {
        limits ??= ConfigReaderLimits.Default;
        if (ConfigFileKind.DescribeIfNotRegular(path) is { } kind)
        {
            throw new ConfigException(SourceLocation.WholeFile(path), null, $"this is {kind}, not a config file; a config must be a regular file");
        }

        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ConfigException(SourceLocation.WholeFile(path), null, $"config file not found (looked for {info.FullName})");
            }

            if (info.Length > limits.MaxFileBytes)
            {
                throw TooLarge(path, info.Length, limits);
            }

            bytes = ReadAtMost(path, limits);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(SourceLocation.WholeFile(path), null, $"cannot read the config file: {exception.Message}", exception);
        }

        return Parse(bytes, path, limits);
    }

    /// <summary>
    /// Reads the file, refusing it as soon as it passes the size limit: the length checked above
    /// can be 0 for a device or a pipe (<c>/dev/zero</c>) that never ends, or grow meanwhile.
    /// </summary>
    private static byte[] ReadAtMost(string path, ConfigReaderLimits limits)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var content = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (content.Length + read > limits.MaxFileBytes)
            {
                throw new ConfigException(
                    new SourceLocation(path, 1, 1),
                    null,
                    $"the file is too large: more than {Size(limits.MaxFileBytes)}, the most a config file may be");
            }

            content.Write(chunk, 0, read);
        }

        return content.ToArray();
    }

    /// <summary>Parses UTF-8 config JSON (a UTF-8 byte order mark is skipped).</summary>
    /// <param name="utf8Json">The bytes.</param>
    /// <param name="sourcePath">The path that locations and errors will name.</param>
    /// <param name="limits">Size and depth limits; <see cref="ConfigReaderLimits.Default"/> when null.</param>
    /// <exception cref="ConfigException">The input is too large, not UTF-8 or not valid config JSON.</exception>
    public static ConfigNode Parse(ReadOnlySpan<byte> utf8Json, string sourcePath, ConfigReaderLimits? limits = null)
    {
        limits ??= ConfigReaderLimits.Default;
        if (utf8Json.Length > limits.MaxFileBytes)
        {
            throw TooLarge(sourcePath, utf8Json.Length, limits);
        }

        if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8Json = utf8Json[3..];
        }
        else if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || utf8Json.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw new ConfigException(new SourceLocation(sourcePath, 1, 1), null, "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
        }

        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(utf8Json.Length, 1));
        try
        {
            var status = Utf8.ToUtf16(utf8Json, buffer, out var bytesRead, out var charsWritten, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                var at = JsonPosition.Of(new string(buffer, 0, charsWritten), charsWritten);
                throw new ConfigException(
                    new SourceLocation(sourcePath, at.Line, at.Column),
                    null,
                    $"invalid UTF-8: byte 0x{utf8Json[bytesRead]:X2} does not start a valid UTF-8 sequence; config files must be saved as UTF-8");
            }

            var text = new string(buffer, 0, charsWritten);
            return ConfigNodeBuilder.Parse(text, new JsonSource(sourcePath), limits.MaxDepth);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses config JSON that is already text (a leading U+FEFF is skipped).</summary>
    /// <param name="json">The text.</param>
    /// <param name="sourcePath">The path that locations and errors will name.</param>
    /// <param name="limits">Depth limit; <see cref="ConfigReaderLimits.Default"/> when null.</param>
    /// <exception cref="ConfigException">The text is not valid config JSON.</exception>
    public static ConfigNode Parse(string json, string sourcePath, ConfigReaderLimits? limits = null)
    {
        limits ??= ConfigReaderLimits.Default;
        return ConfigNodeBuilder.Parse(json, new JsonSource(sourcePath), limits.MaxDepth);
    }

    /// <summary>Parses the value part of a <c>--cfg-options</c> argument, its columns counted from <paramref name="firstColumn"/>.</summary>
    internal static ConfigNode ParseArgumentValue(string json, int argumentNumber, int firstColumn, ConfigReaderLimits limits) =>
        ConfigNodeBuilder.Parse(json, new JsonSource(SourceLocation.CommandLineSource(argumentNumber), isCommandLine: true, firstColumn), limits.MaxDepth);

    private static ConfigException TooLarge(string path, long length, ConfigReaderLimits limits) =>
        new(
            new SourceLocation(path, 1, 1),
            null,
            $"the file is too large: {Size(length)}; config files may be at most {Size(limits.MaxFileBytes)}");

    private static string Size(long bytes) =>
        bytes < 1024 * 1024
            ? $"{bytes} bytes"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.#} MiB ({bytes} bytes)");
}
