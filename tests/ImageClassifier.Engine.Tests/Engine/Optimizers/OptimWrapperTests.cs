using ImageClassifier.Engine.Optimizers;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SafeSgd = ImageClassifier.Engine.Optimizers.SGD;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>The optimizer wrapper: the one way gradients reach the optimizer, with the reducer between backward and step.</summary>
public sealed class OptimWrapperTests
{
    [Fact]
    public void A_plain_wrapper_steps_as_the_optimizer_alone_does()
    {
        using var scope = NewDisposeScope();
        var (weight, wrapper) = Create(reducer: null);

        wrapper.ZeroGrad();
        wrapper.UpdateParams((weight * 3.0f).sum());

        // d/dw sum(3w) = 3, so SGD with lr 0.1 takes 0.3 off every element.
        Assert.Equal([0.7f, 1.7f], weight.data<float>().ToArray());
    }

    [Fact]
    public void The_reducer_sees_the_gradients_after_backward_and_before_the_step()
    {
        using var scope = NewDisposeScope();
        var reducer = new HalvingReducer();
        var (weight, wrapper) = Create(reducer);

        wrapper.ZeroGrad();
        wrapper.UpdateParams((weight * 3.0f).sum());

        Assert.Equal([3f, 3f], reducer.Seen);
        Assert.Equal([0.85f, 1.85f], weight.data<float>().ToArray());
    }

    [Fact]
    public void Clipping_applies_to_the_reduced_gradients()
    {
        using var scope = NewDisposeScope();
        var weight = new Parameter(tensor(new[] { 1f, 2f }));
        var wrapper = new OptimWrapper(new SafeSgd([weight], 0.1, 0, 0, 0, false), [weight], clipGradMaxNorm: 1.0, reducer: new HalvingReducer());

        wrapper.ZeroGrad();
        wrapper.UpdateParams((weight * 3.0f).sum());

        // Reduced to (1.5, 1.5), norm 2.12, clipped to norm 1: each element 1/sqrt(2).
        var step = 0.1f / MathF.Sqrt(2);
        Assert.Equal(1f - step, weight.data<float>()[0], 5);
        Assert.Equal(2f - step, weight.data<float>()[1], 5);
    }

    private static (Parameter Weight, OptimWrapper Wrapper) Create(IGradientReducer? reducer)
    {
        var weight = new Parameter(tensor(new[] { 1f, 2f }));
        return (weight, new OptimWrapper(new SafeSgd([weight], 0.1, 0, 0, 0, false), [weight], reducer: reducer));
    }

    // Stands in for an all-reduce over two processes whose other replica's gradients are zero.
    private sealed class HalvingReducer : IGradientReducer
    {
        public float[] Seen { get; private set; } = [];

        public void Reduce(IReadOnlyList<Parameter> parameters)
        {
            var gradient = parameters.Single().grad!;
            Seen = gradient.data<float>().ToArray();
            gradient.div_(2.0f);
        }
    }
}
