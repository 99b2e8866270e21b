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
    /// Trains <paramref name="backbone"/> (built with frozen_stages and norm_eval) one step and
    /// asserts that exactly the parameters under <paramref name="frozenPrefixes"/> neither require a
    /// gradient nor change, and that no batch norm, frozen or not, moved its running statistics.
    /// </summary>
    public static void AssertFrozenStagesAndNormEval(Backbone backbone, int channels, params string[] frozenPrefixes)
    {
        backbone.train();
        var statistics = backbone.state_dict().Where(pair => pair.Key.Contains("running_", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => pair.Value.clone());
        var before = backbone.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter.detach().clone());
        TrainSteps(backbone, channels, steps: 1);

        bool Frozen(string name) => frozenPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
        foreach (var (name, parameter) in backbone.named_parameters())
        {
            Assert.Equal(!Frozen(name), parameter.requires_grad);
            Assert.Equal(Frozen(name), parameter.allclose(before[name], 0, 0));
        }

        foreach (var (name, value) in statistics)
        {
            Assert.True(backbone.state_dict()[name].allclose(value, 0, 0), $"{name} changed");
        }

        Assert.All(before.Values.Concat(statistics.Values), tensor => tensor.Dispose());
    }
}
