using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Heads;

namespace ImageClassifier.Hosting.Engine.Configuration;

/// <summary>
/// The model's class count as the config states it (<c>model.head.num_classes</c>), and the checks
/// that need it: labels (by the data loaders) and every top-k the config asks for, so that a k
/// beyond the classes is a config error naming its place instead of libtorch's "selected index k
/// out of range".
/// </summary>
public static class ClassCount
{
    /// <summary>The JSON path of the class count in mmpretrain's configs.</summary>
    public const string NumClassesPath = "$.model.head.num_classes";

    /// <summary><c>model.head.num_classes</c> when the config sets it to a positive integer, else null (a head without one checks nothing).</summary>
    public static int? Of(EngineConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Document.TryGetNode(NumClassesPath, out var node)
            && node is ConfigNumber number
            && number.TryGetInt64(out var value)
            && value is > 0 and <= int.MaxValue
                ? (int)value
                : null;
    }

    /// <summary>
    /// Refuses a top-k above <paramref name="numClasses"/>: the head's <c>topk</c> when it computes
    /// training accuracy (<c>cal_acc</c>), and each Accuracy metric's of <paramref name="evaluator"/>.
    /// </summary>
    /// <param name="config">The config, for the error's location.</param>
    /// <param name="numClasses">The model's class count.</param>
    /// <param name="model">The model built from the config; null to skip the head.</param>
    /// <param name="evaluator">The evaluator section's entries.</param>
    /// <param name="metrics">The metrics built from <paramref name="evaluator"/>, in its order.</param>
    /// <exception cref="ConfigException">A top-k is larger than the class count.</exception>
    public static void CheckTopk(EngineConfig config, int numClasses, Classifier? model, IReadOnlyList<(string Path, ComponentConfig<Metric> Config)> evaluator, IReadOnlyList<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(metrics);
        if (model is ImageClassifierModel { Head: ClsHead { CalAcc: true } head } && head.Topk.Max() is var headK && headK > numClasses)
        {
            throw Refuse(config, "$.model.head.topk", headK, numClasses);
        }

        for (var i = 0; i < Math.Min(evaluator.Count, metrics.Count); i++)
        {
            if (metrics[i] is Accuracy accuracy && accuracy.Topk.Max() is var k && k > numClasses)
            {
                throw Refuse(config, evaluator[i].Path + ".topk", k, numClasses);
            }
        }
    }

    /// <summary>What is wrong with a top-k given as <paramref name="option"/> for a model of <paramref name="numClasses"/> classes; null when it fits.</summary>
    public static string? TopkProblem(string option, int topk, int numClasses) =>
        topk < 1 || topk > numClasses
            ? $"{option} {topk} is not possible: the model scores {numClasses} classes, so {option} must be between 1 and {numClasses}."
            : null;

    private static ConfigException Refuse(EngineConfig config, string path, int k, int numClasses) =>
        config.CreateException(path, $"top-{k} needs at least {k} classes, but the model has {numClasses} (model.head.num_classes); use a k of at most {numClasses}");
}
