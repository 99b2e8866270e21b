using ImageClassifier.Engine.Checkpoints;

namespace ImageClassifier.Engine.Tests.Engine.Checkpoints;

public sealed class CheckpointRetentionTests
{
    private const string Dir = "/work";

    private static string P(string name) => Path.Combine(Dir, name);

    [Theory]
    [InlineData("epoch_3.pth", 8, 24L)]
    [InlineData("iter_250.pth", 8, 250L)]
    [InlineData("best_accuracy_top1_epoch_3.pth", 8, null)]
    [InlineData("epoch_3.pth.bak", 8, null)]
    [InlineData("epoch_-3.pth", 8, null)]
    [InlineData("iter_.pth", 8, null)]
    public void Position_is_the_iteration_a_name_stands_for(string name, int epochLength, long? expected) =>
        Assert.Equal(expected, CheckpointRetention.Position(name, epochLength));

    [Fact]
    public void Epoch_and_iteration_checkpoints_are_ordered_by_iteration_not_by_their_number()
    {
        // An interrupted run left iter_250 (epoch 32 of 8 iterations, unfinished); the resumed run
        // has just written epoch_40. Ordered by name number, iter_250 would look newest and epoch_40 would go.
        string[] files = [P("epoch_30.pth"), P("epoch_31.pth"), P("iter_250.pth"), P("epoch_40.pth")];

        var doomed = CheckpointRetention.SelectForDeletion(files, P("epoch_40.pth"), epochLength: 8, maxKeep: 2);

        Assert.Equal([P("epoch_30.pth"), P("epoch_31.pth")], doomed);
    }

    [Fact]
    public void A_newer_checkpoint_than_the_one_kept_is_never_deleted()
    {
        // Resumed from epoch_2 (by hand, or as a fallback) while epoch_4 from a longer run is still there.
        string[] files = [P("epoch_1.pth"), P("epoch_2.pth"), P("epoch_4.pth"), P("iter_30.pth"), P("epoch_3.pth")];

        var doomed = CheckpointRetention.SelectForDeletion(files, P("epoch_3.pth"), epochLength: 8, maxKeep: 1);

        Assert.Equal([P("epoch_1.pth"), P("epoch_2.pth")], doomed);
        Assert.DoesNotContain(P("epoch_4.pth"), doomed);
        Assert.DoesNotContain(P("iter_30.pth"), doomed);
    }

    [Fact]
    public void The_kept_and_the_protected_checkpoints_stay_and_zero_keeps_everything()
    {
        string[] files = [P("iter_10.pth"), P("iter_20.pth"), P("iter_30.pth")];

        Assert.Equal([P("iter_20.pth")], CheckpointRetention.SelectForDeletion(files, P("iter_30.pth"), 8, maxKeep: 1, protectedPath: P("iter_10.pth")));
        Assert.Empty(CheckpointRetention.SelectForDeletion(files, P("iter_30.pth"), 8, maxKeep: 0));
        Assert.Empty(CheckpointRetention.SelectForDeletion(files, P("iter_30.pth"), 8, maxKeep: 3));
        Assert.Equal([P("iter_10.pth"), P("iter_20.pth")], CheckpointRetention.SelectForDeletion([P("iter_10.pth"), P("iter_20.pth")], P("iter_30.pth"), 8, maxKeep: 1));
    }
}
