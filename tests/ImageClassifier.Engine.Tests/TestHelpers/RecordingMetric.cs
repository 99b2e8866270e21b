using ImageClassifier.Models.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>A metric that keeps the scores it was given, so a test can compare them; its one number is their sum.</summary>
internal sealed class RecordingMetric() : Metric("recording", null)
{
    private readonly List<Tensor> scores = [];

    /// <summary>The scores (N, C) of the last evaluation any recording metric computed.</summary>
    public static Tensor? Last { get; private set; }

    public override long SampleCount => scores.Sum(batch => batch.shape[0]);

    public override void Process(Tensor predictions, Tensor targets) => scores.Add(predictions.detach().clone().DetachFromDisposeScope());

    public override void Reset() => scores.Clear();

    protected override IEnumerable<KeyValuePair<string, double>> ComputeMetrics()
    {
        Last = torch.cat(scores, 0).DetachFromDisposeScope();
        return [new("score_sum", Last.sum().item<float>())];
    }

    /// <summary>Its config, for runs written in C#.</summary>
    public sealed class Config : ComponentConfig<Metric>
    {
        public override string TypeName => "RecordingMetric";

        public override Metric Build() => new RecordingMetric();
    }
}
