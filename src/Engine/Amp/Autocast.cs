using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Amp;

/// <summary>
/// libtorch's automatic mixed precision for one device type, as a scope: PyTorch's
/// <c>with torch.autocast(device_type, dtype):</c>. While it is open, the operations libtorch lists
/// as safe in lower precision (matrix products, convolutions, linear layers) run in
/// <see cref="Dtype"/>, those that need the range run in float32, and the rest follow their inputs.
/// Disposing it restores the state it found, so scopes nest.
/// </summary>
/// <remarks>
/// Autocast is thread-local in libtorch: open the scope on the thread that runs the forward pass,
/// and dispose it on the same thread (disposing elsewhere throws). Run backward outside the scope,
/// as PyTorch advises. The casts of weights made in a scope are cached until the outermost scope
/// closes, so close it before the weights change (after each training step's forward pass). The
/// cache is also cleared when a nested scope changes the dtype, and again when it closes: libtorch
/// keys the cache by weight only, so copies cast to one dtype would otherwise serve the other.
/// TorchSharp has no autocast of its own; this calls libtorch's <c>at::autocast</c> functions
/// (see <see cref="IsAvailable"/>).
/// </remarks>
public sealed class Autocast : IDisposable
{
    private readonly LibTorchAutocast.Table native;
    private readonly sbyte device;
    private readonly bool previousEnabled;
    private readonly sbyte previousDtype;
    private readonly bool previousCacheEnabled;
    private readonly int threadId;
    private bool disposed;

    /// <summary>Opens a scope on the calling thread.</summary>
    /// <param name="deviceType">The device whose operations are autocast: <see cref="DeviceType.CPU"/> or <see cref="DeviceType.CUDA"/>.</param>
    /// <param name="dtype">The lower precision: <see cref="ScalarType.Float16"/> or <see cref="ScalarType.BFloat16"/>; null for the device's default (<see cref="DefaultDtype"/>).</param>
    /// <param name="enabled">False opens a scope that turns autocast off (to run a region in full precision inside an autocast region).</param>
    /// <param name="cacheEnabled">Cache the lower-precision copies of weights until the outermost scope closes.</param>
    /// <exception cref="ArgumentException">The device type or dtype is not one autocast supports.</exception>
    /// <exception cref="NotSupportedException">libtorch's autocast functions were not found (<see cref="IsAvailable"/> is false).</exception>
    public Autocast(DeviceType deviceType, ScalarType? dtype = null, bool enabled = true, bool cacheEnabled = true)
    {
        if (deviceType is not (DeviceType.CPU or DeviceType.CUDA))
        {
            throw new ArgumentException($"Autocast supports the CPU and CUDA devices, not {deviceType}.", nameof(deviceType));
        }

        var chosen = dtype ?? DefaultDtype(deviceType);
        if (chosen is not (ScalarType.Float16 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"Autocast runs in float16 or bfloat16, not {chosen}.", nameof(dtype));
        }

        native = LibTorchAutocast.Functions;
        device = (sbyte)deviceType;
        DeviceType = deviceType;
        Dtype = chosen;
        Enabled = enabled;
        threadId = Environment.CurrentManagedThreadId;
        previousEnabled = native.IsAutocastEnabled(device) != 0;
        previousDtype = native.GetAutocastDtype(device);
        previousCacheEnabled = native.IsCacheEnabled() != 0;
        native.SetAutocastEnabled(device, enabled ? (byte)1 : (byte)0);
        native.SetAutocastDtype(device, (sbyte)chosen);
        if (previousDtype != (sbyte)chosen)
        {
            // libtorch's cache is keyed by the weight alone: copies cast to the other dtype must go.
            native.ClearCache();
        }

        native.IncrementNesting();
        native.SetCacheEnabled(cacheEnabled ? (byte)1 : (byte)0);
    }

    /// <summary>Whether libtorch's autocast functions were found, so that scopes can be opened.</summary>
    public static bool IsAvailable => LibTorchAutocast.IsAvailable;

    /// <summary>Why <see cref="IsAvailable"/> is false; null when it is true.</summary>
    public static string? UnavailableReason => LibTorchAutocast.Problem;

    /// <summary>The device type of the scope.</summary>
    public DeviceType DeviceType { get; }

    /// <summary>The lower precision of the scope.</summary>
    public ScalarType Dtype { get; }

    /// <summary>Whether the scope turns autocast on (true) or off.</summary>
    public bool Enabled { get; }

    /// <summary>PyTorch's default lower precision: float16 on CUDA, bfloat16 on the CPU.</summary>
    public static ScalarType DefaultDtype(DeviceType deviceType) =>
        deviceType == DeviceType.CUDA ? ScalarType.Float16 : ScalarType.BFloat16;

    /// <summary>Whether autocast is on for <paramref name="deviceType"/> on the calling thread.</summary>
    /// <exception cref="NotSupportedException">libtorch's autocast functions were not found.</exception>
    public static bool IsEnabled(DeviceType deviceType) =>
        LibTorchAutocast.Functions.IsAutocastEnabled((sbyte)deviceType) != 0;

    /// <summary>The lower precision autocast uses for <paramref name="deviceType"/> on the calling thread.</summary>
    /// <exception cref="NotSupportedException">libtorch's autocast functions were not found.</exception>
    public static ScalarType GetDtype(DeviceType deviceType) =>
        (ScalarType)LibTorchAutocast.Functions.GetAutocastDtype((sbyte)deviceType);

    /// <summary>Closes the scope: clears the cast cache when it is the outermost one and restores the state it found.</summary>
    /// <exception cref="InvalidOperationException">Called on another thread than the one that opened the scope.</exception>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        if (Environment.CurrentManagedThreadId != threadId)
        {
            throw new InvalidOperationException("An autocast scope must be closed on the thread that opened it: libtorch's autocast state is thread-local.");
        }

        disposed = true;
        if (native.DecrementNesting() == 0 || previousDtype != (sbyte)Dtype)
        {
            native.ClearCache();
        }

        native.SetAutocastEnabled(device, previousEnabled ? (byte)1 : (byte)0);
        native.SetAutocastDtype(device, previousDtype);
        native.SetCacheEnabled(previousCacheEnabled ? (byte)1 : (byte)0);
    }
}
