using System.IO.Compression;

namespace ImageClassifier.Data.Datasets;

/// <summary>Finding and reading dataset files: plain, or gzip-compressed beside the plain name.</summary>
internal static class DatasetFiles
{
    /// <summary>The path of <paramref name="name"/> or <paramref name="name"/>.gz in the first folder that has one.</summary>
    /// <exception cref="FileNotFoundException">None of the folders has the file.</exception>
    public static string Find(IEnumerable<string> folders, string name, string datasetName)
    {
        var searched = new List<string>();
        foreach (var folder in folders)
        {
            searched.Add(folder);
            foreach (var candidate in new[] { Path.Combine(folder, name), Path.Combine(folder, name + ".gz") })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"{datasetName} needs '{name}' (or '{name}.gz'), but it is not in {string.Join(" or ", searched.Select(folder => $"'{folder}'"))}. Set data_root to the folder that holds the dataset's files.",
            name);
    }

    /// <summary>The whole content of <paramref name="path"/>, decompressed when it ends in .gz.</summary>
    /// <exception cref="DataFormatException">The gzip stream is damaged.</exception>
    public static byte[] ReadAll(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return File.ReadAllBytes(path);
        }

        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var content = new MemoryStream();
        try
        {
            gzip.CopyTo(content);
        }
        catch (InvalidDataException error)
        {
            throw new DataFormatException(path, content.Length, $"the gzip data is corrupt after {content.Length} decompressed bytes (compressed byte {file.Position} of {file.Length}): {error.Message}", error);
        }
        catch (EndOfStreamException error)
        {
            throw new DataFormatException(path, content.Length, $"the gzip data ends early, after {content.Length} decompressed bytes: the file is truncated", error);
        }

        return content.ToArray();
    }
}
