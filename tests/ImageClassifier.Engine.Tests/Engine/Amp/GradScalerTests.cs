using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Engine.Amp;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Amp;

[Collection(TrainingCollection.Name)]
public sealed class GradScalerTests
{
    private static (TorchSharp.Modules.Parameter Weight, optim.Optimizer Optimizer) Parameter(params float[] values)
    {
        var weight = new TorchSharp.Modules.Parameter(torch.tensor(values));
        return (weight, optim.SGD([weight], 0.1));
    }

    // Exactly equal, element for element.
    private static bool Same(Tensor expected, Tensor actual) => expected.shape.SequenceEqual(actual.shape) && expected.eq(actual).all().item<bool>();

    // A loss whose gradient is 2 * w * factor, finite or not.
    private static Tensor Loss(Tensor weight, float factor) => (weight * weight * factor).sum();

    [Fact]
    public void Unscaled_gradients_equal_those_of_plain_backward()
    {
        using var scope = NewDisposeScope();
        var (reference, _) = Parameter(0.5f, -1.25f, 3f, 1e-3f);
        Loss(reference, 0.37f).backward();

        var (weight, optimizer) = Parameter(0.5f, -1.25f, 3f, 1e-3f);
        var scaler = new GradScaler();
        scaler.ScaleLoss(Loss(weight, 0.37f)).backward();
        Assert.True(weight.grad!.abs().max().item<float>() > 100, "backward ran on the scaled loss");

        Assert.True(scaler.Unscale(optimizer));

        Assert.True(Same(reference.grad!, weight.grad!), $"{string.Join(", ", reference.grad!.data<float>().ToArray())} vs {string.Join(", ", weight.grad!.data<float>().ToArray())}");
        Assert.False(scaler.FoundInf);
    }

    [Fact]
    public void A_step_with_an_infinite_gradient_is_skipped_and_the_scale_halves()
    {
        using var scope = NewDisposeScope();
        var (weight, optimizer) = Parameter(1f, 2f);
        var scaler = new GradScaler();
        var before = weight.detach().clone();

        scaler.ScaleLoss(Loss(weight, float.PositiveInfinity)).backward();
        var stepped = scaler.Step(optimizer);
        scaler.Update();

        Assert.False(stepped);
        Assert.True(Same(before, weight.detach()), "the weights must not change");
        Assert.Equal(32768.0, scaler.Scale);
        Assert.Equal(0, scaler.GrowthTracker);
        Assert.Equal(1, scaler.SkippedSteps);

        // A NaN gradient counts as well; a finite one then steps.
        optimizer.zero_grad();
        scaler.ScaleLoss(Loss(weight, float.NaN)).backward();
        Assert.False(scaler.Step(optimizer));
        scaler.Update();
        Assert.Equal(16384.0, scaler.Scale);

        optimizer.zero_grad();
        scaler.ScaleLoss(Loss(weight, 1f)).backward();
        Assert.True(scaler.Step(optimizer));
        scaler.Update();
        Assert.False(Same(before, weight.detach()));
        Assert.Equal(1, scaler.GrowthTracker);
    }

    [Fact]
    public void The_scale_grows_after_growth_interval_good_steps_in_a_row()
    {
        using var scope = NewDisposeScope();
        var (weight, optimizer) = Parameter(1f, 2f);
        var scaler = new GradScaler(initScale: 8, growthFactor: 2, backoffFactor: 0.5, growthInterval: 3);

        void Iteration(float factor)
        {
            optimizer.zero_grad();
            scaler.ScaleLoss(Loss(weight, factor)).backward();
            scaler.Step(optimizer);
            scaler.Update();
        }

        Iteration(1);
        Iteration(1);
        Assert.Equal((8.0, 2), (scaler.Scale, scaler.GrowthTracker));
        Iteration(1);
        Assert.Equal((16.0, 0), (scaler.Scale, scaler.GrowthTracker));

        // A bad step resets the count.
        Iteration(1);
        Iteration(float.PositiveInfinity);
        Assert.Equal((8.0, 0), (scaler.Scale, scaler.GrowthTracker));
        Iteration(1);
        Iteration(1);
        Iteration(1);
        Assert.Equal((16.0, 0), (scaler.Scale, scaler.GrowthTracker));
    }

    [Fact]
    public void A_static_scale_skips_bad_steps_but_never_changes()
    {
        using var scope = NewDisposeScope();
        var (weight, optimizer) = Parameter(1f, 2f);
        var scaler = new GradScaler(initScale: 512, growthInterval: 1, dynamic: false);

        scaler.ScaleLoss(Loss(weight, float.PositiveInfinity)).backward();
        Assert.False(scaler.Step(optimizer));
        scaler.Update();
        optimizer.zero_grad();
        scaler.ScaleLoss(Loss(weight, 1f)).backward();
        Assert.True(scaler.Step(optimizer));
        scaler.Update();

        Assert.Equal(512.0, scaler.Scale);
    }

    [Fact]
    public void The_iteration_order_is_enforced()
    {
        using var scope = NewDisposeScope();
        var (weight, optimizer) = Parameter(1f);
        var scaler = new GradScaler();

        Assert.Throws<InvalidOperationException>(scaler.Update);
        scaler.ScaleLoss(Loss(weight, 1f)).backward();
        scaler.Unscale(optimizer);
        Assert.Throws<InvalidOperationException>(() => scaler.Unscale(optimizer));

        // Step after Unscale does not unscale again.
        var unscaled = weight.grad!.clone();
        Assert.True(scaler.Step(optimizer));
        scaler.Update();
        Assert.True(Same(unscaled, weight.grad!));
    }

    [Fact]
    public void The_state_round_trips_with_pytorchs_keys()
    {
        var scaler = new GradScaler(initScale: 1024, growthInterval: 10);
        using (NewDisposeScope())
        {
            var (weight, optimizer) = Parameter(1f);
            for (var i = 0; i < 3; i++)
            {
                optimizer.zero_grad();
                scaler.ScaleLoss(Loss(weight, 1f)).backward();
                scaler.Step(optimizer);
                scaler.Update();
            }
        }

        var state = scaler.StateDict();
        var restored = new GradScaler(growthInterval: 10);
        restored.LoadStateDict(state);

        Assert.Equal(1024.0, state["scale"]);
        Assert.Equal(3L, state["_growth_tracker"]);
        Assert.Equal(10L, state["growth_interval"]);
        Assert.Equal((1024.0, 3), (restored.Scale, restored.GrowthTracker));
        Assert.Throws<InvalidDataException>(() => restored.LoadStateDict(new Dictionary<string, object?> { ["scale"] = -1.0, ["_growth_tracker"] = 0L }));
    }

    [Fact]
    public void Out_of_range_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradScaler(initScale: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradScaler(initScale: 1e300));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradScaler(growthFactor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradScaler(backoffFactor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradScaler(growthInterval: 0));
    }
}
