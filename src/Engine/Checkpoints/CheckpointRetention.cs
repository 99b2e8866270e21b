using System.Globalization;

namespace ImageClassifier.Engine.Checkpoints;

/// <summary>
/// Which periodic checkpoints (<c>epoch_N.pth</c>, <c>iter_N.pth</c>) <c>max_keep_ckpts</c> deletes.
/// Files are ordered by the training iteration they stand for, not by the number in their name:
/// after an interrupted run a work dir holds iteration checkpoints beside epoch ones, and
/// <c>iter_250</c> is older than <c>epoch_40</c> when an epoch has 8 iterations. A file is deleted
/// only when it stands for no later iteration than the checkpoint just kept, so a newer file (say,
/// one left by a run that went further before it was resumed from an older checkpoint) is never
/// lost; the work dir then holds more than <c>max_keep_ckpts</c> files rather than fewer.
/// </summary>
public static class CheckpointRetention
{
    private const string Extension = ".pth";

    /// <summary>
    /// The training iteration a periodic checkpoint's name stands for: N for <c>iter_N.pth</c>,
    /// N x <paramref name="epochLength"/> for <c>epoch_N.pth</c>; null for any other name.
    /// </summary>
    public static long? Position(string fileName, int epochLength)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochLength);
        foreach (var (prefix, scale) in new[] { ("epoch_", (long)epochLength), ("iter_", 1L) })
        {
            if (fileName.StartsWith(prefix, StringComparison.Ordinal)
                && fileName.EndsWith(Extension, StringComparison.Ordinal)
                && long.TryParse(fileName.AsSpan(prefix.Length, fileName.Length - prefix.Length - Extension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return number * scale;
            }
        }

        return null;
    }

    /// <summary>The periodic checkpoints directly in <paramref name="workDir"/>.</summary>
    public static IReadOnlyList<string> Find(string workDir, int epochLength) =>
        Directory.Exists(workDir)
            ? [.. Directory.EnumerateFiles(workDir, "*" + Extension, SearchOption.TopDirectoryOnly).Where(path => Position(Path.GetFileName(path), epochLength) is not null)]
            : [];

    /// <summary>
    /// The files of <paramref name="checkpoints"/> to delete so that at most <paramref name="maxKeep"/>
    /// remain, oldest first; never <paramref name="kept"/> (the checkpoint just written),
    /// <paramref name="protectedPath"/> (the best checkpoint) or a file that stands for a later iteration than <paramref name="kept"/>.
    /// </summary>
    /// <param name="checkpoints">The periodic checkpoints in the work dir, <paramref name="kept"/> among them.</param>
    /// <param name="kept">The checkpoint just written.</param>
    /// <param name="epochLength">Iterations per epoch, to compare epoch and iteration checkpoints.</param>
    /// <param name="maxKeep">max_keep_ckpts; 0 or less keeps everything.</param>
    /// <param name="protectedPath">A file never deleted; null for none.</param>
    public static IReadOnlyList<string> SelectForDeletion(IEnumerable<string> checkpoints, string kept, int epochLength, int maxKeep, string? protectedPath = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(kept);
        var keptPosition = Position(Path.GetFileName(kept), epochLength)
            ?? throw new ArgumentException($"'{kept}' is not a periodic checkpoint (epoch_N.pth or iter_N.pth).", nameof(kept));
        var all = checkpoints
            .Select(path => Path.GetFullPath(path))
            .Append(Path.GetFullPath(kept))
            .Distinct(StringComparer.Ordinal)
            .Select(path => (Path: path, Position: Position(Path.GetFileName(path), epochLength)))
            .Where(entry => entry.Position is not null)
            .ToList();
        if (maxKeep <= 0 || all.Count <= maxKeep)
        {
            return [];
        }

        var keptFull = Path.GetFullPath(kept);
        var protectedFull = protectedPath is null ? null : Path.GetFullPath(protectedPath);
        return [.. all
            .Where(entry => entry.Path != keptFull && entry.Path != protectedFull && entry.Position <= keptPosition)
            .OrderBy(entry => entry.Position)
            .ThenBy(entry => entry.Path, StringComparer.Ordinal)
            .Take(all.Count - maxKeep)
            .Select(entry => entry.Path)];
    }
}
