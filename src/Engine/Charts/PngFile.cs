using SkiaSharp;

namespace ImageClassifier.Engine.Charts;

/// <summary>
/// Writes charts as PNG files atomically: the image goes to a temporary file beside the target,
/// which is then renamed over it, so a reader never sees half an image and a failed write leaves
/// the previous file as it was.
/// </summary>
public static class PngFile
{
    /// <summary>Creates the folder <paramref name="path"/> will be written in, so that a path that cannot be written fails before hours of work rather than after.</summary>
    /// <exception cref="IOException">The folder cannot be created; the message names <paramref name="path"/>.</exception>
    public static void PrepareFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Guard(path, () => Directory.CreateDirectory(FolderOf(path)));
    }

    /// <summary>Encodes <paramref name="bitmap"/> as PNG and writes it to <paramref name="path"/>, creating its folder.</summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> and why.</exception>
    public static void Write(SKBitmap bitmap, string path)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException($"Cannot write the PNG '{path}': SkiaSharp could not encode the {bitmap.Width} x {bitmap.Height} image.");
        Guard(path, () =>
        {
            Directory.CreateDirectory(FolderOf(path));
            var temporary = Path.Combine(FolderOf(path), $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                {
                    data.SaveTo(stream);
                }

                File.Move(temporary, path, overwrite: true);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
        });
    }

    private static string FolderOf(string path) =>
        Path.GetDirectoryName(Path.GetFullPath(path)) ?? throw new IOException("it names a root folder, not a file.");

    // The framework's messages name the part of the path that failed, not the file the user asked for.
    private static void Guard(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new IOException($"Cannot write the PNG '{path}': {Reason(path, exception)}", exception);
        }
    }

    // "Could not find a part of the path" hides the usual cause: a file where a folder should be.
    private static string Reason(string path, Exception exception)
    {
        for (var folder = Path.GetDirectoryName(Path.GetFullPath(path)); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                return $"'{folder}' is a file, not a folder.";
            }
        }

        return exception.Message;
    }
}
