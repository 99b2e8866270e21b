using ImageClassifier.Engine.Amp;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.Engine.Amp;

/// <summary>
/// libtorch's autocast through <see cref="Autocast"/>, on the CPU (the only device here; CUDA
/// autocast goes through the same functions with DeviceType.CUDA, untested on this machine).
/// </summary>
public sealed class AutocastTests
{
    [Fact]
    public void The_autocast_functions_resolve_in_the_loaded_libtorch()
    {
        Assert.True(Autocast.IsAvailable, Autocast.UnavailableReason);
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.False(Autocast.IsEnabled(DeviceType.CUDA));
    }

    [Fact]
    public void Inside_a_bfloat16_scope_linear_and_conv2d_run_in_bfloat16_and_outside_in_float32()
    {
        using var scope = NewDisposeScope();
        using var linear = nn.Linear(4, 3);
        using var conv = nn.Conv2d(2, 3, 3);
        var vector = torch.randn(5, 4);
        var image = torch.randn(1, 2, 6, 6);

        Tensor linearInside, convInside, plainInside;
        using (var autocast = new Autocast(DeviceType.CPU, ScalarType.BFloat16))
        {
            Assert.True(Autocast.IsEnabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, Autocast.GetDtype(DeviceType.CPU));
            linearInside = linear.call(vector);
            convInside = conv.call(image);
            plainInside = vector + 1;
        }

        Assert.Equal(ScalarType.BFloat16, linearInside.dtype);
        Assert.Equal(ScalarType.BFloat16, convInside.dtype);
        Assert.Equal(ScalarType.Float32, plainInside.dtype);

        // The weights stay float32, and after the scope everything is float32 again.
        Assert.Equal(ScalarType.Float32, linear.weight!.dtype);
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.Equal(ScalarType.Float32, linear.call(vector).dtype);
        Assert.Equal(ScalarType.Float32, conv.call(image).dtype);

        // bfloat16 results stay close to the float32 ones.
        Assert.True(linearInside.to_type(ScalarType.Float32).allclose(linear.call(vector), rtol: 0.05, atol: 0.05));
    }

    [Fact]
    public void Scopes_nest_and_each_restores_the_state_it_found()
    {
        using var scope = NewDisposeScope();
        using var linear = nn.Linear(4, 3);
        var vector = torch.randn(2, 4);
        var dtypeBefore = Autocast.GetDtype(DeviceType.CPU);

        using (new Autocast(DeviceType.CPU, ScalarType.BFloat16))
        {
            using (new Autocast(DeviceType.CPU, enabled: false))
            {
                Assert.False(Autocast.IsEnabled(DeviceType.CPU));
                Assert.Equal(ScalarType.Float32, linear.call(vector).dtype);
            }

            Assert.True(Autocast.IsEnabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, linear.call(vector).dtype);

            using (new Autocast(DeviceType.CPU, ScalarType.Float16))
            {
                Assert.Equal(ScalarType.Float16, Autocast.GetDtype(DeviceType.CPU));
                Assert.Equal(ScalarType.Float16, linear.call(vector).dtype);
            }

            Assert.Equal(ScalarType.BFloat16, Autocast.GetDtype(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, linear.call(vector).dtype);
        }

        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.Equal(dtypeBefore, Autocast.GetDtype(DeviceType.CPU));
        Assert.Equal(ScalarType.Float32, linear.call(vector).dtype);
    }

    [Fact]
    public void A_cuda_scope_leaves_cpu_operations_alone()
    {
        using var scope = NewDisposeScope();
        using var linear = nn.Linear(4, 3);

        using (new Autocast(DeviceType.CUDA))
        {
            Assert.True(Autocast.IsEnabled(DeviceType.CUDA));
            Assert.Equal(ScalarType.Float16, Autocast.GetDtype(DeviceType.CUDA));
            Assert.False(Autocast.IsEnabled(DeviceType.CPU));
            Assert.Equal(ScalarType.Float32, linear.call(torch.randn(2, 4)).dtype);
        }

        Assert.False(Autocast.IsEnabled(DeviceType.CUDA));
    }

    [Fact]
    public void The_state_is_per_thread_and_a_scope_closes_only_on_its_own_thread()
    {
        using var autocast = new Autocast(DeviceType.CPU, ScalarType.BFloat16);
        bool enabledElsewhere = true;
        Exception? closing = null;
        var other = new Thread(() =>
        {
            enabledElsewhere = Autocast.IsEnabled(DeviceType.CPU);
            closing = Record.Exception(autocast.Dispose);
        });
        other.Start();
        other.Join();

        Assert.False(enabledElsewhere);
        Assert.IsType<InvalidOperationException>(closing);
        Assert.True(Autocast.IsEnabled(DeviceType.CPU));
    }

    [Fact]
    public void Only_float16_and_bfloat16_and_the_cpu_and_cuda_are_accepted()
    {
        Assert.Throws<ArgumentException>(() => new Autocast(DeviceType.CPU, ScalarType.Float32));
        Assert.Throws<ArgumentException>(() => new Autocast(DeviceType.MPS));
        Assert.False(Autocast.IsEnabled(DeviceType.CPU));
        Assert.Equal(ScalarType.BFloat16, Autocast.DefaultDtype(DeviceType.CPU));
        Assert.Equal(ScalarType.Float16, Autocast.DefaultDtype(DeviceType.CUDA));
    }
}
