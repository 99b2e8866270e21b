using System.Text.Json;

namespace ImageClassifier.Engine.Logging;

/// <summary>
/// A run's history as <c>scalars.jsonl</c> tells it, ready to plot. The file is appended to by
/// every run in the work dir, so it is read as the story of the current run: a start record of a
/// run that resumed nothing begins the history anew (what came before belongs to a different
/// model), and where a resumed run logs an iteration again, its record replaces the earlier one.
/// A line that is not JSON (the torn end of a crashed run's file) is skipped.
/// </summary>
public sealed class ScalarHistory
{
    private static readonly HashSet<string> NotMetrics = new(StringComparer.Ordinal) { "mode", "epoch", "iter", "time_s" };

    private ScalarHistory(IReadOnlyList<TrainScalars> train, IReadOnlyList<ValidationScalars> validation, IReadOnlyList<string> metricNames)
    {
        Train = train;
        Validation = validation;
        MetricNames = metricNames;
    }

    /// <summary>The training records, one per iteration, by iteration.</summary>
    public IReadOnlyList<TrainScalars> Train { get; }

    /// <summary>The validation records, one per iteration, by iteration.</summary>
    public IReadOnlyList<ValidationScalars> Validation { get; }

    /// <summary>The validation metrics' names, in the order they first appear.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    /// <summary>Reads the log at <paramref name="path"/>, which a running <see cref="ScalarLog"/> may still hold open.</summary>
    public static ScalarHistory Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return Parse(lines);
    }

    /// <summary>Builds the history from the log's lines, oldest first.</summary>
    public static ScalarHistory Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var train = new SortedDictionary<long, TrainScalars>();
        var validation = new SortedDictionary<long, ValidationScalars>();
        foreach (var line in lines)
        {
            if (!TryParse(line, out var record))
            {
                continue;
            }

            switch (Text(record, "mode"))
            {
                case "start" when Text(record, "resumed_from") is null:
                    train.Clear();
                    validation.Clear();
                    break;
                case "train" when Number(record, "iter") is { } iteration:
                    train[(long)iteration] = new TrainScalars((long)iteration, (long)(Number(record, "epoch") ?? 0), Number(record, "loss"), Number(record, "lr"));
                    break;
                case "val" when Number(record, "iter") is { } iteration:
                    var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
                    foreach (var property in record.EnumerateObject().Where(property => !NotMetrics.Contains(property.Name)))
                    {
                        if (Number(record, property.Name) is { } value)
                        {
                            metrics[property.Name] = value;
                        }
                    }

                    validation[(long)iteration] = new ValidationScalars((long)iteration, (long)(Number(record, "epoch") ?? 0), metrics);
                    break;
            }
        }

        var names = validation.Values.SelectMany(record => record.Metrics.Keys).Distinct(StringComparer.Ordinal).ToList();
        return new ScalarHistory([.. train.Values], [.. validation.Values], names);
    }

    private static bool TryParse(string line, out JsonElement record)
    {
        record = default;
        if (string.IsNullOrWhiteSpace(line))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            record = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // The log writes NaN and infinities as strings ("NaN"); they are values too, though no line shows them.
    private static double? Number(JsonElement record, string name)
    {
        if (!record.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && !double.IsFinite(parsed) => parsed,
            _ => null,
        };
    }
}
