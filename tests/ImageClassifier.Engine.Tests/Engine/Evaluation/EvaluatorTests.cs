using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Evaluation;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Models.Tta;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Evaluation;

/// <summary>
/// The evaluator with test-time augmentation: mmpretrain's default views (the test pipeline with
/// and without a horizontal flip) merged by AverageClsScoreTTA, against the model's scores of each
/// image and of its mirror image computed here, with random weights that score the two differently.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class EvaluatorTests : IDisposable
{
    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    [Fact]
    public void Test_time_augmentation_averages_the_flipped_and_plain_scores()
    {
        var run = experiment.Read();
        using var model = run.BuildModel();
        Randomize(model);
        var views = run.BuildDataLoader(RunStage.Test, seed: 0, testTimeAugmentation: true);

        var result = Evaluator.Evaluate(model, views, [new RecordingMetric()], CPU, tta: run.BuildTtaModel());
        var merged = RecordingMetric.Last!;

        var plain = new List<Tensor>();
        var mirrored = new List<Tensor>();
        using (no_grad())
        {
            foreach (var batch in run.BuildDataLoader(RunStage.Test, seed: 0).Epoch(0))
            {
                using (batch)
                {
                    plain.Add(Scores(model, batch.Inputs));
                    mirrored.Add(Scores(model, batch.Inputs.flip(-1)));
                }
            }
        }

        using var plainScores = cat(plain, 0);
        using var mirroredScores = cat(mirrored, 0);
        using var half = 0.5.ToScalar();
        using var mean = plainScores.add(mirroredScores, ScalarConstants.One).mul(half);
        Assert.False(plainScores.allclose(mirroredScores, rtol: 0, atol: 1e-3), "the model scores mirrored images alike, so this test could not fail");
        Assert.True(merged.allclose(mean, rtol: 0, atol: 1e-6), "the merged scores are not the mean of the plain and mirrored ones");

        // The predicted class is the merged scores' best (the toy test set's sample i has label i % 4).
        var expected = new long[10, 10];
        var best = merged.argmax(1).data<long>().ToArray();
        for (var i = 0; i < best.Length; i++)
        {
            expected[i % 4, best[i]]++;
        }

        Assert.Equal(expected, result.ConfusionMatrix);
    }

    [Fact]
    public void Views_without_a_tta_model_are_refused()
    {
        var run = experiment.Read();
        using var model = run.BuildModel();

        var error = Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(model, run.BuildDataLoader(RunStage.Test, seed: 0, testTimeAugmentation: true), [new RecordingMetric()], CPU));

        Assert.Contains("test-time views", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AverageClsScoreTTA_takes_the_mean_of_the_views_in_order()
    {
        using var first = tensor(new float[] { 0.2f, 0.8f, 0.5f, 0.5f }).reshape(2, 2);
        using var second = tensor(new float[] { 0.6f, 0.4f, 0.1f, 0.9f }).reshape(2, 2);
        using var third = tensor(new float[] { 0.1f, 0.9f, 0.3f, 0.7f }).reshape(2, 2);

        using var merged = new AverageClsScoreTta().MergeScores([first, second, third]);

        Assert.Equal([0.3f, 0.7f, 0.3f, 0.7f], merged.data<float>().ToArray().Select(value => MathF.Round(value, 6)));
        Assert.Throws<ArgumentException>(() => new AverageClsScoreTta().MergeScores([first, second.reshape(4)]));
    }

    // Weights far from their initialisation (whose near-zero head scores every image alike), the same in every run.
    private static void Randomize(Classifier model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var generator = new Generator(20261206);
        foreach (var (_, parameter) in model.named_parameters())
        {
            parameter.copy_(randn(parameter.shape, generator: generator));
        }
    }

    private static Tensor Scores(Classifier model, Tensor images)
    {
        model.eval();
        var (inputs, _) = model.Preprocess(images, null, training: false);
        return model.Predict(inputs).Scores.detach().clone();
    }
}
