using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Heads;

namespace ImageClassifier.Engine.Configuration;

/// <summary>
/// The model's class count as the config states it (<c>model.head.num_classes</c>), and the checks
/// that need it: labels (by the data loaders) and every top-k the config asks for, so that a k
/// beyond the classes is a config error naming its place instead of libtorch's "selected index k
/// out of range".
/// </summary>
public static class ClassCount
{
    /// <summary>The model's class count: <c>num_classes</c> of its head's config when it has one, else null (a head without one checks nothing).</summary>
    public static int? Of(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);

        // Head configs are generated per head with no common base beyond ComponentConfig, so the
        // member the generator names after the num_classes parameter is found by name.
        return run.Model is ImageClassifierModelConfig { Head: { } head }
            && head.GetType().GetProperty("NumClasses")?.GetValue(head) is int count
            && count > 0
                ? count
                : null;
    }

    /// <summary>
    /// Refuses a top-k above <paramref name="numClasses"/>: the head's <c>topk</c> when it computes
    /// training accuracy (<c>cal_acc</c>), and each Accuracy metric's of the evaluator.
    /// </summary>
    /// <param name="run">The run, for the error's location.</param>
    /// <param name="numClasses">The model's class count.</param>
    /// <param name="model">The model built from the run; null to skip the head.</param>
    /// <param name="evaluatorKey">The evaluator's section: <c>val_evaluator</c> or <c>test_evaluator</c>.</param>
    /// <param name="metrics">The metrics built from that section, in its order.</param>
    /// <exception cref="Exception">From the run's origin: a top-k is larger than the class count.</exception>
    public static void CheckTopk(RunDefinition run, int numClasses, Classifier? model, string evaluatorKey, IReadOnlyList<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(metrics);
        if (model is ImageClassifierModel { Head: ClsHead { CalAcc: true } head } && head.Topk.Max() is var headK && headK > numClasses)
        {
            throw Refuse(run, "$.model.head.topk", headK, numClasses);
        }

        for (var i = 0; i < metrics.Count; i++)
        {
            if (metrics[i] is Accuracy accuracy && accuracy.Topk.Max() is var k && k > numClasses)
            {
                throw Refuse(run, $"$.{evaluatorKey}[{i}].topk", k, numClasses);
            }
        }
    }

    /// <summary>What is wrong with a top-k given as <paramref name="option"/> for a model of <paramref name="numClasses"/> classes; null when it fits.</summary>
    public static string? TopkProblem(string option, int topk, int numClasses) =>
        topk < 1 || topk > numClasses
            ? $"{option} {topk} is not possible: the model scores {numClasses} classes, so {option} must be between 1 and {numClasses}."
            : null;

    private static Exception Refuse(RunDefinition run, string path, int k, int numClasses) =>
        run.Origin.Error(path, $"top-{k} needs at least {k} classes, but the model has {numClasses} (model.head.num_classes); use a k of at most {numClasses}");
}
