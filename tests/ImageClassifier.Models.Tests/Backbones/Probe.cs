using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Backbones;

/// <summary>
/// A linear probe trained with the backbone: global average pooling of the last feature map, one
/// linear layer, cross entropy against fixed random labels, plain SGD over every parameter that
/// requires a gradient. A tiny fixed batch (2 x 3 x size x size).
/// </summary>
internal static class Probe
{
    /// <summary>Runs <paramref name="steps"/> SGD steps; returns the loss before the first step and after each one.</summary>
    public static IReadOnlyList<double> TrainSteps(Backbone backbone, int channels, int steps, int size = 32, double learningRate = 0.05, int classes = 3)
    {
        using var scope = NewDisposeScope();
        var input = randn(2, 3, size, size);
        var labels = tensor(new long[] { 0, classes - 1 });
        using var fc = nn.Linear(channels, classes);
        var trainable = backbone.parameters().Concat(fc.parameters()).Where(parameter => parameter.requires_grad).ToList();
        using var optimizer = optim.SGD(trainable, learningRate);
        var losses = new List<double>();
        for (var step = 0; step <= steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var features = backbone.call(input)[^1];
            var logits = fc.call(features.mean([2L, 3L]));
            var loss = nn.functional.cross_entropy(logits, labels);
            losses.Add(loss.item<float>());
            if (step < steps)
            {
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }

        return losses;
    }

    /// <summary>
    /// Trains <paramref name="backbone"/> one step as a runner does, calling <c>train()</c> before
    /// and after, and asserts that exactly the parameters <paramref name="isFrozen"/> names neither
    /// require a gradient nor change, and that the others do: at least one of them, or each one
    /// with <paramref name="everyOtherChanges"/>. The family's own checks (which modules stay in
    /// evaluation mode) follow in its test.
    /// </summary>
    public static void AssertFrozenThroughTraining(Backbone backbone, int channels, Func<string, bool> isFrozen, int size = 32, bool everyOtherChanges = false)
    {
        var before = backbone.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter.detach().clone());
        backbone.train();
        TrainSteps(backbone, channels, steps: 1, size: size);
        backbone.train();

        foreach (var (name, parameter) in backbone.named_parameters())
        {
            var frozen = isFrozen(name);
            Assert.True(frozen != parameter.requires_grad, $"{name} {(frozen ? "requires a gradient" : "is frozen")}");
            var unchanged = parameter.allclose(before[name], 0, 0);
            Assert.True(frozen ? unchanged : !(everyOtherChanges && unchanged), $"{name} {(frozen ? "changed" : "did not change")}");
        }

        Assert.Contains(backbone.named_parameters(), pair => !isFrozen(pair.name) && !pair.parameter.allclose(before[pair.name], 0, 0));
        Assert.All(before.Values, tensor => tensor.Dispose());
    }

    /// <summary>
    /// <see cref="AssertFrozenThroughTraining"/> for a backbone built with frozen_stages and
    /// norm_eval: every parameter outside <paramref name="frozenPrefixes"/> changes, and no batch
    /// norm, frozen or not, moves its running statistics.
    /// </summary>
    public static void AssertFrozenStagesAndNormEval(Backbone backbone, int channels, params string[] frozenPrefixes)
    {
        var statistics = backbone.state_dict().Where(pair => pair.Key.Contains("running_", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => pair.Value.clone());
        AssertFrozenThroughTraining(backbone, channels, name => frozenPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)), everyOtherChanges: true);

        foreach (var (name, value) in statistics)
        {
            Assert.True(backbone.state_dict()[name].allclose(value, 0, 0), $"{name} changed");
        }

        Assert.All(statistics.Values, tensor => tensor.Dispose());
    }
}
