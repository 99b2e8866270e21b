using ImageClassifier.Engine.Tests.TestHelpers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using SafeAdamW = ImageClassifier.Engine.Optimizers.AdamW;
using SafeSgd = ImageClassifier.Engine.Optimizers.SGD;

namespace ImageClassifier.Engine.Tests.Engine.Optimizers;

/// <summary>
/// The engine's optimizers take the same steps as TorchSharp's torch.optim classes, bit for bit:
/// only the lifetime of the native scalars they pass differs.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class SGDAndAdamWTests
{
    public static TheoryData<double, double, double, bool> SgdSettings => new()
    {
        { 0, 0, 0, false },
        { 0.9, 0, 1e-4, false },
        { 0.9, 0, 5e-4, true },
        { 0.8, 0.3, 0, false },
    };

    public static TheoryData<double, bool> AdamWSettings => new()
    {
        { 0.01, false },
        { 0.05, true },
        { 0, false },
    };

    [Theory]
    [MemberData(nameof(SgdSettings))]
    public void Sgd_steps_equal_torch_optim_SGD(double momentum, double dampening, double weightDecay, bool nesterov)
    {
        var (ours, reference) = OptimizerParity.Train(
            parameters => new SafeSgd(parameters, 0.05, momentum, dampening, weightDecay, nesterov),
            parameters => optim.SGD(parameters, 0.05, momentum, dampening, weightDecay, nesterov));
        OptimizerParity.AssertBitwiseEqual(ours, reference);
    }

    [Theory]
    [MemberData(nameof(AdamWSettings))]
    public void AdamW_steps_equal_torch_optim_AdamW(double weightDecay, bool amsgrad)
    {
        var (ours, reference) = OptimizerParity.Train(
            parameters => new SafeAdamW(parameters, 0.01, 0.9, 0.99, 1e-8, weightDecay, amsgrad),
            parameters => optim.AdamW(parameters, 0.01, 0.9, 0.99, 1e-8, weightDecay, amsgrad));
        OptimizerParity.AssertBitwiseEqual(ours, reference);
    }

    [Fact]
    public void Saved_states_move_between_torch_optim_SGD_and_ours_both_ways()
    {
        using var weight = new Parameter(torch.ones(3));
        using var ours = new SafeSgd([weight], 0.1, 0.9, 0, 0, false);
        using var plain = optim.SGD([weight], 0.1, 0.9);
        weight.grad = torch.ones(3);
        ours.step();

        // A checkpoint of ours resumes in TorchSharp's class, and one written by TorchSharp's
        // class (every checkpoint before ours existed) resumes in ours.
        OptimizerParity.Load(plain, OptimizerParity.Save(ours));
        Assert.Equal(new float[] { 1, 1, 1 }, ((SGD.State)plain.state_dict().State[0]).momentum_buffer.data<float>().ToArray());
        plain.step();
        OptimizerParity.Load(ours, OptimizerParity.Save(plain));
        Assert.Equal(new float[] { 1.9f, 1.9f, 1.9f }, ((SGD.State)ours.state_dict().State[0]).momentum_buffer.data<float>().ToArray());
    }
}
