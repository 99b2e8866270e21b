using System.Globalization;
using ImageClassifier.Models.Checkpoints;

namespace ImageClassifier.Engine.Checkpoints;

/// <summary>
/// Finds what <c>--resume</c> without a checkpoint resumes from: the file <c>last_checkpoint</c>
/// names, or, when that file is missing or unreadable (deleted by hand, lost with a copied work
/// dir), the newest training checkpoint in the work dir that reads back whole. Resuming was asked
/// for, so a work dir that has checkpoints but none usable is an error, never a silent fresh start.
/// </summary>
public static class ResumeCheckpoint
{
    /// <summary>The checkpoint chosen: its path, its contents (read once, for the caller to restore and dispose) and, when it is a fallback, why.</summary>
    /// <param name="Path">The checkpoint file.</param>
    /// <param name="State">The checkpoint as <see cref="TorchCheckpointReader.ReadDictionary(string)"/> read it; the caller disposes its tensors.</param>
    /// <param name="Notice">Which file was chosen instead of <c>last_checkpoint</c>'s and why; null when <c>last_checkpoint</c> was used.</param>
    public sealed record Choice(string Path, Dictionary<string, object?> State, string? Notice);

    /// <summary>
    /// The checkpoint to resume from in <paramref name="workDir"/>, or null when the work dir has
    /// neither <paramref name="pointerFile"/> nor any <c>.pth</c> file (a first run).
    /// </summary>
    /// <exception cref="InvalidDataException">The work dir has a pointer or checkpoints, but no checkpoint to resume from; the message lists each file and why.</exception>
    public static Choice? Find(string workDir, string pointerFile)
    {
        ArgumentNullException.ThrowIfNull(workDir);
        ArgumentNullException.ThrowIfNull(pointerFile);
        var pointer = Path.Combine(workDir, pointerFile);
        string? named = null;
        string? why = null;
        if (File.Exists(pointer))
        {
            named = File.ReadAllText(pointer).Trim();
            if (named.Length == 0)
            {
                why = $"{pointer} is empty";
            }
            else if (!File.Exists(named))
            {
                why = $"{pointer} names '{named}', which does not exist";
            }
            else if (TryRead(named, out var state, out var problem))
            {
                return new Choice(named, state!, null);
            }
            else
            {
                why = $"{pointer} names '{named}', which cannot be resumed from ({problem})";
            }
        }

        var candidates = Directory.Exists(workDir)
            ? Directory.EnumerateFiles(workDir, "*.pth", SearchOption.TopDirectoryOnly)
                .Where(path => path != named)
                .Select(path => new FileInfo(path))
                .OrderByDescending(file => file.LastWriteTimeUtc)
                .ThenByDescending(file => file.Name, StringComparer.Ordinal)
                .ToList()
            : [];
        if (why is null && candidates.Count == 0)
        {
            return null;
        }

        why ??= $"{pointer} is missing";
        var refused = new List<string>();
        foreach (var candidate in candidates)
        {
            if (TryRead(candidate.FullName, out var state, out var problem))
            {
                var at = Progress(state!);
                return new Choice(candidate.FullName, state!, $"{why}; resuming from the newest valid checkpoint in {workDir} instead: {candidate.FullName}{at}.");
            }

            refused.Add($"{candidate.Name} ({problem})");
        }

        throw new InvalidDataException(
            $"Cannot resume: {why}, and {workDir} holds no other checkpoint to resume from" +
            (refused.Count == 0 ? string.Empty : $" ({string.Join("; ", refused)})") +
            ". Give --resume CKPT to pick one, or leave out --resume (and resume: true) to train from the start.");
    }

    // A file a killed run could not have finished is impossible (writes are atomic), but a file
    // copied in by hand, or weights saved by another tool, must not be taken for a training state.
    private static bool TryRead(string path, out Dictionary<string, object?>? state, out string? problem)
    {
        state = null;
        problem = null;
        Dictionary<string, object?> read;
        try
        {
            read = TorchCheckpointReader.ReadDictionary(path);
        }
        catch (Exception error) when (error is CheckpointFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            problem = error.Message;
            return false;
        }

        if (read.GetValueOrDefault("meta") is not Dictionary<string, object?> meta || meta.GetValueOrDefault("iter") is not (long or int))
        {
            problem = "no meta.iter: not a training checkpoint";
        }
        else if (read.GetValueOrDefault("optimizer") is not Dictionary<string, object?> optimizer || optimizer.GetValueOrDefault("torchsharp_state") is not byte[])
        {
            problem = "no optimizer state: weights only";
        }

        if (problem is not null)
        {
            CheckpointTrees.DisposeTensors(read);
            return false;
        }

        state = read;
        return true;
    }

    private static string Progress(Dictionary<string, object?> state) =>
        state.GetValueOrDefault("meta") is Dictionary<string, object?> meta
            ? string.Format(CultureInfo.InvariantCulture, " (epoch {0}, iteration {1})", meta.GetValueOrDefault("epoch"), meta.GetValueOrDefault("iter"))
            : string.Empty;
}
