using ImageClassifier.Engine.Configuration;
using ImageClassifier.Models.Evaluation;
using TorchSharp;

namespace ImageClassifier.Hosting.Validation;

/// <summary>
/// Checks every section a run uses: it builds each pipeline's transforms (<c>tta_pipeline</c>'s
/// too), the samplers, the optimizer's builder, the schedulers, the hooks, <c>tta_model</c> and the
/// metrics (so a component that would refuse its config in <c>train</c> refuses it here, with the
/// same located message), requires the sections that training or testing then needs, checks every
/// top-k against the class count and <c>save_best</c> against the validation's value names, builds the model, builds the optimizer over it as
/// <c>optim_wrapper</c> groups it, attaches the schedulers to it (which resolves their ranges) and
/// runs the wiring check (<see cref="ModelWiringCheck"/>). Of the datasets only the training data
/// is built, when the run trains, since the schedulers' ranges depend on its length in batches;
/// the others are bound but not built, since building one reads its files. First of all, every
/// path the run names must exist (<see cref="RunPathCheck"/>).
/// </summary>
public static class RunValidator
{
    private static readonly RunStage[] Stages = [RunStage.Train, RunStage.Val, RunStage.Test];

    /// <summary>Validates <paramref name="run"/>; everything built is disposed before it returns.</summary>
    /// <returns>The model's name and size, the wiring check's input and output, and the warnings.</returns>
    /// <exception cref="Exception">From the run's origin (a located <see cref="Configuration.ConfigException"/> for a JSON config): the first problem found.</exception>
    public static RunValidation Validate(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);
        RunPathCheck.Check(run, Stages, loadFrom: true);
        var warnings = new List<string>();
        foreach (var stage in Stages)
        {
            CheckDataLoader(run, stage);
        }

        if (run.OptimWrapper is not null)
        {
            DisposeAll([run.BuildOptimizer()]);
        }

        DisposeAll(run.BuildSchedulers());
        DisposeAll(run.BuildHooks());
        if (run.TtaModel is not null)
        {
            DisposeAll([run.BuildTtaModel()]);
        }

        if (run.TtaPipeline is not null)
        {
            DisposeAll(run.BuildTestTimeViews().SelectMany(view => view));
        }

        var valMetrics = run.BuildMetrics(RunStage.Val);
        var testMetrics = run.BuildMetrics(RunStage.Test);
        try
        {
            // A config with training data is meant to be trained: what train requires must be there.
            if (run.TrainDataloader is not null)
            {
                run.RequireTraining();
            }

            if (run.TestDataloader is not null || run.TestEvaluator.Count > 0)
            {
                run.RequireTesting();
            }

            var built = run.Origin.Build(ModelParts.ModelPath, run.Model);
            try
            {
                if (ClassCount.Of(run) is { } numClasses)
                {
                    ClassCount.CheckTopk(run, numClasses, built as Classifier, RunDefinition.EvaluatorKey(RunStage.Val), valMetrics);
                    ClassCount.CheckTopk(run, numClasses, model: null, RunDefinition.EvaluatorKey(RunStage.Test), testMetrics);
                    if (run.TrainDataloader is not null && valMetrics.Count > 0 && run.Checkpoint is { SaveBest: { } saveBest })
                    {
                        run.SaveBestKey(saveBest, NumberNames(valMetrics, numClasses));
                    }
                }

                if (built is not torch.nn.Module model)
                {
                    return new RunValidation(run.Model.TypeName, Parameters: null, Wiring: null, warnings);
                }

                if (run.OptimWrapper is not null)
                {
                    // The grouping depends on the model (its layer depths, shared parameters), the
                    // schedulers' ranges on the run's length in iterations, so on the training data's.
                    using var optimizer = run.BuildOptimizer(model);
                    if (run.TrainDataloader is not null && run.TrainLoop is not null)
                    {
                        DisposeAll(run.AttachSchedulers(optimizer, run.EpochLengthOf(run.BuildDataLoader(RunStage.Train, seed: 0))));
                    }
                }

                var wiring = ModelWiringCheck.Check(run, model, ModelInputInference.Infer(run));
                return new RunValidation(run.Model.TypeName, model.parameters().Sum(parameter => parameter.numel()), wiring, warnings);
            }
            finally
            {
                (built as IDisposable)?.Dispose();
            }
        }
        finally
        {
            DisposeAll(valMetrics);
            DisposeAll(testMetrics);
        }
    }

    private static void CheckDataLoader(RunDefinition run, RunStage stage)
    {
        if (run.DataLoaderOf(stage) is not { } settings)
        {
            return;
        }

        var key = RunDefinition.DataLoaderKey(stage);
        DisposeAll(run.BuildPipeline(stage));

        if (settings.Sampler is { } sampler)
        {
            DisposeAll([run.Origin.Build($"$.{key}.sampler", sampler)]);
        }
    }

    /// <summary>The names of the numbers <paramref name="metrics"/> compute, in the order the validation gives them.</summary>
    private static List<string> NumberNames(IReadOnlyList<Metric> metrics, int numClasses)
    {
        // The names follow from a metric's settings and the class count, not from the values: one sample shows them all.
        using var scores = torch.zeros(1, numClasses);
        using var targets = torch.zeros(1, dtype: torch.int64);
        var names = new List<string>();
        foreach (var metric in metrics)
        {
            metric.Process(scores, targets);
            names.AddRange(metric.Compute().Keys);
            metric.Reset();
        }

        return names;
    }

    private static void DisposeAll(IEnumerable<object> built)
    {
        foreach (var item in built)
        {
            (item as IDisposable)?.Dispose();
        }
    }
}
