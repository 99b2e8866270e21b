using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Classifiers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// Converts another library's checkpoint into an mmengine-style one for a model built from a
/// config: the keys are renamed by the family's <see cref="IStateDictKeyMap"/>, the result is
/// loaded into the model strictly (so every missing, unexpected and mis-shaped key is named), and
/// the model's state dict is written as <c>{"meta", "state_dict"}</c> (or safetensors, by the
/// destination's extension), which <c>load_from</c>, <c>init_cfg</c> <c>Pretrained</c>,
/// <c>icls test</c> and <c>icls infer</c> take.
/// </summary>
public static class CheckpointConverter
{
    /// <summary>The families with maps from torchvision and timm.</summary>
    public static IReadOnlyList<IStateDictKeyMap> KeyMaps { get; } =
    [
        new ResNetKeyMap(), new MobileNetV2KeyMap(), new MobileNetV3KeyMap(), new EfficientNetKeyMap(), new SwinTransformerKeyMap(),
        new VGGKeyMap(), new DenseNetKeyMap(), new ConvNeXtKeyMap(), new VisionTransformerKeyMap(), new RegNetKeyMap(),
    ];

    /// <summary>Reads <paramref name="sourcePath"/>, converts it for <paramref name="model"/> and writes <paramref name="destinationPath"/>.</summary>
    /// <returns>How many tensors were converted.</returns>
    /// <exception cref="StateDictLoadException">The converted keys do not fit the model: the message names them.</exception>
    /// <exception cref="CheckpointFormatException">The source is not a readable checkpoint.</exception>
    /// <exception cref="StateDictLoadException">Also when no map converts the model's backbone from that source.</exception>
    public static int ConvertFile(Classifier model, string sourcePath, string destinationPath, WeightSource source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(destinationPath);
        using var scope = NewDisposeScope();
        var checkpoint = TorchCheckpointReader.Read(sourcePath);
        var converted = Convert(model, StateDictLoader.SelectStateDict(checkpoint), source, sourcePath);
        ModelWeights.Load(model, converted, strict: true);
        ModelWeights.Save(model, destinationPath, new Dictionary<string, object?>
        {
            ["converted_from"] = source.ToString().ToLowerInvariant(),
            ["source_checkpoint"] = Path.GetFileName(sourcePath),
        });
        return converted.Count;
    }

    /// <summary>
    /// <paramref name="stateDict"/> with mmpretrain's keys for <paramref name="model"/>. A key the
    /// family's map has no place for, or two keys that map to one, is an error naming them.
    /// </summary>
    public static Dictionary<string, Tensor> Convert(Classifier model, IReadOnlyDictionary<string, Tensor> stateDict, WeightSource source, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stateDict);
        if (source == WeightSource.Mmpretrain)
        {
            return new Dictionary<string, Tensor>(stateDict, StringComparer.Ordinal);
        }

        var backbone = (model as ImageClassifierModel)?.Backbone
            ?? throw new StateDictLoadException($"Converting {source} weights needs an ImageClassifier model with a backbone; {model.GetType().Name} has none to pick a key map by.");
        var map = KeyMaps.FirstOrDefault(candidate => candidate.Handles(backbone, source))
            ?? throw new StateDictLoadException(
                $"There is no {source} key map for {backbone.GetType().Name}. Maps exist for {string.Join(", ", KeyMaps.Select(map => map.Family))} " +
                "(ResNetV1c/V1d from timm only: torchvision has no deep-stem ResNet); weights already in mmpretrain's layout need --from mmpretrain.");

        var converted = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var unplaced = new List<string>();
        foreach (var (key, tensor) in stateDict)
        {
            var target = map.Map(key, backbone, source);
            if (target is null)
            {
                unplaced.Add(key);
            }
            else if (!converted.TryAdd(target, map.MapTensor(key, tensor, backbone, source)))
            {
                throw new StateDictLoadException($"{Describe(sourceName)}: two keys become '{target}' under the {source} {map.Family} map; one of them is '{key}'.");
            }
        }

        if (unplaced.Count > 0)
        {
            throw new StateDictLoadException(
                $"{Describe(sourceName)}: {unplaced.Count} key(s) have no place in mmpretrain's {map.Family} under the {source} map: {string.Join(", ", unplaced.Take(10))}{(unplaced.Count > 10 ? ", ..." : string.Empty)}. " +
                $"Check that the checkpoint is a {source} {map.Family}.");
        }

        return converted;
    }

    private static string Describe(string? sourceName) => sourceName is null ? "The checkpoint" : $"'{sourceName}'";
}
