using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Checkpoints;
using ImageClassifier.Engine.Schedulers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Checkpoints;

[Collection(TrainingCollection.Name)]
public sealed class TrainingCheckpointTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_checkpoint_round_trips_weights_optimizer_schedulers_and_progress()
    {
        using var model = nn.Linear(3, 2);
        using var optimizer = optim.SGD(model.parameters(), 0.1, momentum: 0.9);
        var scheduler = new MultiStepLR(milestones: [1]);
        scheduler.Attach(optimizer, 5, 50, 10);
        TakeStep(model, optimizer);
        scheduler.Step();
        var path = folder.Combine("ckpt.pth");

        TrainingCheckpoint.Save(path, model, optimizer, [scheduler], new TrainingProgress(1, 10, 0, 42, 77.5, "best.pth"), ["a", "b"], "{}");

        using var restoredModel = nn.Linear(3, 2);
        using var restoredOptimizer = optim.SGD(restoredModel.parameters(), 0.1, momentum: 0.9);
        var restoredScheduler = new MultiStepLR(milestones: [1]);
        restoredScheduler.Attach(restoredOptimizer, 5, 50, 10);
        var progress = TrainingCheckpoint.Restore(path, restoredModel, restoredOptimizer, [restoredScheduler]);

        Assert.Equal(new TrainingProgress(1, 10, 0, 42, 77.5, "best.pth"), progress);
        Assert.True(model.weight!.allclose(restoredModel.weight!));
        Assert.Equal(optimizer.ParamGroups.Single().LearningRate, restoredOptimizer.ParamGroups.Single().LearningRate);
        Assert.Equal(scheduler.LastStep, restoredScheduler.LastStep);

        // The momentum buffers came back too: one more identical step gives identical weights.
        TakeStep(model, optimizer);
        TakeStep(restoredModel, restoredOptimizer);
        Assert.True(model.weight!.allclose(restoredModel.weight!, rtol: 0, atol: 1e-7));
    }

    [Fact]
    public void A_failure_while_saving_keeps_the_previous_file()
    {
        using var model = nn.Linear(3, 2);
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var path = folder.Combine("epoch_1.pth");
        TrainingCheckpoint.Save(path, model, optimizer, [], new TrainingProgress(1, 1, 0, 0), ["a"], null);
        var before = File.ReadAllBytes(path);

        // A complex buffer has no checkpoint encoding: the save fails half-way through the archive.
        using var broken = nn.Linear(3, 2);
        using var brokenOptimizer = optim.SGD(broken.parameters(), 0.1);
        broken.register_buffer("phase", torch.zeros(2, dtype: ScalarType.ComplexFloat32));

        Assert.Throws<ArgumentException>(() => TrainingCheckpoint.Save(path, broken, brokenOptimizer, [], new TrainingProgress(2, 2, 0, 0), ["a"], null));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["epoch_1.pth"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_plain_weights_file_cannot_be_resumed_from()
    {
        using var model = nn.Linear(3, 2);
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var path = folder.Combine("weights.pth");
        ImageClassifier.Models.Weights.ModelWeights.Save(model, path);

        var error = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Restore(path, model, optimizer, []));

        Assert.Contains("load_from", error.Message);
    }

    private static void TakeStep(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer)
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        model.call(torch.ones(4, 3)).sum().backward();
        optimizer.step();
    }
}
