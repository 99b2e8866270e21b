using System.Text.Json;
using System.Text.Json.Nodes;
using ImageClassifier.Models.Losses;
using ImageClassifier.Models.Tests.TestHelpers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Losses;

/// <summary>
/// The float64 reference vectors of tools/fixtures/make_zoo_fixtures.py (Fixtures/Losses/losses.json):
/// each case names a loss config, its inputs and the expected value or error.
/// </summary>
internal static class LossFixtures
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonObject>> Cases = new(Load);

    public static IEnumerable<string> Names => Cases.Value.Keys;

    public static JsonObject Case(string name) => Cases.Value[name];

    /// <summary>The loss a case's config describes, bound from its JSON into the generated config type.</summary>
    public static Func<Tensor, Tensor, Tensor?, double?, Reduction?, Tensor> BuildLoss(JsonObject entry)
    {
        var config = entry["loss"]!.AsObject().DeepClone().AsObject();
        var type = config["type"]!.GetValue<string>();
        config.Remove("type");
        switch (type)
        {
            case "CrossEntropyLoss":
                var crossEntropy = config.Deserialize<CrossEntropyLossConfig>()!.Build();
                return crossEntropy.Forward;
            case "LabelSmoothLoss":
                var labelSmooth = config.Deserialize<LabelSmoothLossConfig>()!.Build();
                return labelSmooth.Forward;
            case "weighted_loss:l1":
                // mmpretrain's weighted_loss decorator around |pred - target|: the helper under test.
                var reduction = config["reduction"] is { } named ? JsonSerializer.Deserialize<Reduction>(named.ToJsonString()) : Reduction.Mean;
                var l1 = WeightedLoss.Wrap((pred, target) => (pred - target).abs());
                return (pred, target, weight, avgFactor, reductionOverride) => l1(pred, target, weight, reductionOverride ?? reduction, avgFactor);
            default:
                throw new InvalidOperationException($"losses.json names an unknown loss type '{type}'.");
        }
    }

    /// <summary>Runs a case in float32 (as mmpretrain runs), returning the loss as float64 values.</summary>
    public static (double[] Values, long[] Shape) Run(JsonObject entry)
    {
        var loss = BuildLoss(entry);
        using var scope = NewDisposeScope();
        var pred = Floats(entry["pred"]!);
        var target = Target(entry);
        var weight = entry["weight"] is { } weights ? Floats(weights) : null;
        var avgFactor = entry["avg_factor"]?.GetValue<double>();
        Reduction? reductionOverride = entry["reduction_override"] is { } named ? JsonSerializer.Deserialize<Reduction>(named.ToJsonString()) : null;
        var result = loss(pred, target, weight, avgFactor, reductionOverride);
        Assert.Equal(ScalarType.Float32, result.dtype);
        return (result.to_type(ScalarType.Float64).reshape(-1).data<double>().ToArray(), result.shape);
    }

    public static (double[] Values, long[] Shape) Expected(JsonObject entry)
    {
        var shape = entry["expected_shape"]!.AsArray().Select(size => size!.GetValue<long>()).ToArray();
        return (Flatten(entry["expected"]!).ToArray(), shape);
    }

    /// <summary>|actual - expected| / |expected|, with the denominator floored so exact zeros compare absolutely.</summary>
    public static double RelativeError(double actual, double expected) =>
        Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-6);

    private static Tensor Target(JsonObject entry)
    {
        var node = entry["target"]!;
        return entry["target_kind"]!.GetValue<string>() switch
        {
            "index" or "index_column" => tensor(Flatten(node).Select(value => (long)value).ToArray(), ScalarType.Int64).reshape(ShapeOf(node)),
            _ => Floats(node),
        };
    }

    private static Tensor Floats(JsonNode node) =>
        tensor(Flatten(node).Select(value => (float)value).ToArray(), ScalarType.Float32).reshape(ShapeOf(node));

    private static IEnumerable<double> Flatten(JsonNode node) =>
        node is JsonArray items ? items.SelectMany(item => Flatten(item!)) : [node.GetValue<double>()];

    private static long[] ShapeOf(JsonNode node)
    {
        var shape = new List<long>();
        while (node is JsonArray items)
        {
            shape.Add(items.Count);
            node = items[0]!;
        }

        return [.. shape];
    }

    private static IReadOnlyDictionary<string, JsonObject> Load()
    {
        var document = JsonNode.Parse(File.ReadAllText(FixturePaths.File("Losses", "losses.json")))!.AsObject();
        return document["cases"]!.AsArray().Select(item => item!.AsObject()).ToDictionary(item => item["name"]!.GetValue<string>());
    }
}
