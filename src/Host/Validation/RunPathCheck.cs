using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Initialization;

namespace ImageClassifier.Hosting.Validation;

/// <summary>
/// Checks, before a run reads anything, that the files and folders its config names exist: each
/// dataset's <c>data_root</c>, and its <c>data_prefix</c> and <c>ann_file</c> under that root; the
/// run's <c>load_from</c>; and, anywhere in the model, <c>model.pretrained</c> and the
/// <c>checkpoint</c> of every <c>Pretrained</c> initializer (building the model loads it). A relative
/// path is taken from the current directory, as the run reads it; a URL (<c>scheme://...</c>) is not
/// a path and is left alone, as is an empty value, which the component itself refuses.
/// </summary>
public static partial class RunPathCheck
{
    /// <summary>Throws, from the run's origin, an error at the first path that does not exist.</summary>
    /// <param name="run">The run.</param>
    /// <param name="stages">The stages whose data the caller reads; a stage without a data loader is skipped.</param>
    /// <param name="loadFrom">Whether the caller uses <c>load_from</c> (training does, unless told to resume from a given checkpoint).</param>
    /// <exception cref="Exception">From <see cref="RunDefinition.Origin"/> (a located <see cref="Configuration.ConfigException"/> for a JSON config): a path does not exist.</exception>
    public static void Check(RunDefinition run, IEnumerable<RunStage> stages, bool loadFrom)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(stages);
        foreach (var stage in stages.Distinct())
        {
            if (run.DataLoaderOf(stage) is { } settings)
            {
                CheckDataset(run, $"$.{RunDefinition.DataLoaderKey(stage)}.dataset", settings.Dataset);
            }
        }

        if (loadFrom)
        {
            Require(run, "$.load_from", run.LoadFrom, root: null, "the checkpoint whose weights training starts from; set load_from to null to start from scratch");
        }

        CheckModel(run, "$.model", run.Model);
    }

    // mmpretrain's BaseDataset joins data_prefix and ann_file to data_root unless they are absolute;
    // CustomDataset does the same with data_prefix.
    private static void CheckDataset(RunDefinition run, string path, ComponentConfig dataset)
    {
        var dataRoot = ConfigValues.DataRoot(dataset);
        var reads = $"{dataset.TypeName} reads its files from there";
        Require(run, path + ".data_root", dataRoot, root: null, reads);
        Require(run, path + ".data_prefix", ConfigValues.Get(dataset, "DataPrefix") as string, dataRoot, reads);
        Require(run, path + ".ann_file", ConfigValues.Get(dataset, "AnnFile") as string, dataRoot, $"{dataset.TypeName} reads its annotations from there");
    }

    private static void CheckModel(RunDefinition run, string path, ComponentConfig config)
    {
        const string Loads = "building the model loads this checkpoint's weights";
        switch (config)
        {
            case PretrainedInitConfig pretrained:
                Require(run, path + ".checkpoint", pretrained.Checkpoint, root: null, Loads);
                break;
            case ImageClassifierModelConfig classifier:
                Require(run, path + ".pretrained", classifier.Pretrained, root: null, Loads);
                break;
        }

        foreach (var property in config.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var member = $"{path}.{JsonName(property)}";
            switch (property.GetValue(config))
            {
                case ComponentConfig child:
                    CheckModel(run, member, child);
                    break;
                case IEnumerable items and not string:
                    var index = 0;
                    foreach (var item in items)
                    {
                        if (item is ComponentConfig element)
                        {
                            CheckModel(run, $"{member}[{index}]", element);
                        }

                        index++;
                    }

                    break;
            }
        }
    }

    private static void Require(RunDefinition run, string path, string? value, string? root, string why)
    {
        if (string.IsNullOrEmpty(value) || Url().IsMatch(value) || (root is not null && Url().IsMatch(root)))
        {
            return;
        }

        var joined = string.IsNullOrEmpty(root) ? value : Path.Combine(root, value);
        var full = Path.GetFullPath(joined);
        if (File.Exists(full) || Directory.Exists(full))
        {
            return;
        }

        string missing;
        if (!string.IsNullOrEmpty(root) && !Path.IsPathRooted(value))
        {
            var relativeRoot = Path.IsPathRooted(root) ? string.Empty : " (relative paths are read from the current directory)";
            missing = $"'{value}' under data_root '{root}' does not exist: '{full}' was looked for{relativeRoot}";
        }
        else
        {
            missing = Path.IsPathRooted(value)
                ? $"'{value}' does not exist"
                : $"'{value}' does not exist: relative paths are read from the current directory, so '{full}' was looked for";
        }

        throw run.Origin.Error(path, $"{missing}; {why}");
    }

    // Generated configs name each member with [JsonPropertyName]; a hand-written config may not.
    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*://")]
    private static partial Regex Url();
}
