using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// Fits a small linear model with two optimizers from the same start on the same batches, to hold
/// the engine's optimizers to TorchSharp's classes bit for bit; and moves saved optimizer states.
/// </summary>
internal static class OptimizerParity
{
    private const int Steps = 25;

    /// <summary>The weights each optimizer ends with.</summary>
    public static (float[] Ours, float[] Reference) Train(
        Func<IEnumerable<Parameter>, optim.Optimizer> makeOurs,
        Func<IEnumerable<Parameter>, optim.Optimizer> makeReference)
    {
        var generator = new Generator(11);
        using var inputs = torch.randn([Steps, 8, 5], generator: generator);
        using var targets = torch.randn([Steps, 8, 2], generator: generator);
        using var start = torch.randn([2, 5], generator: generator);
        return (Fit(makeOurs, start, inputs, targets), Fit(makeReference, start, inputs, targets));
    }

    public static void AssertBitwiseEqual(float[] ours, float[] reference)
    {
        Assert.Equal(reference.Length, ours.Length);
        Assert.Equal(reference.Select(BitConverter.SingleToInt32Bits), ours.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>TorchSharp's serialisation of the optimizer's state, as checkpoints hold it.</summary>
    public static byte[] Save(optim.Optimizer optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            ((OptimizerHelper)optimizer).save_state_dict(writer);
        }

        return stream.ToArray();
    }

    public static void Load(optim.Optimizer optimizer, byte[] state) =>
        ((OptimizerHelper)optimizer).load_state_dict(new BinaryReader(new MemoryStream(state)));

    private static float[] Fit(Func<IEnumerable<Parameter>, optim.Optimizer> make, Tensor start, Tensor inputs, Tensor targets)
    {
        using var weight = new Parameter(start.clone());
        using var optimizer = make([weight]);
        for (var step = 0; step < Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var prediction = inputs[step].matmul(weight.t());
            prediction.sub(targets[step]).pow(2).mean().backward();
            optimizer.step();
        }

        return weight.detach().data<float>().ToArray();
    }
}
