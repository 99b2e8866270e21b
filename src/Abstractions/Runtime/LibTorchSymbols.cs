using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Runtime;

/// <summary>
/// Functions of the <c>libtorch_cpu</c> that TorchSharp has loaded, looked up by their
/// Itanium-mangled C++ names, for the few switches TorchSharp 0.107 does not wrap (autocast,
/// oneDNN, NNPACK). Windows builds of libtorch use MSVC names, so there nothing is found.
/// </summary>
public sealed class LibTorchSymbols
{
    private static readonly Lazy<LibTorchSymbols> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly IntPtr handle;

    private LibTorchSymbols(IntPtr handle, string? problem)
    {
        this.handle = handle;
        Problem = problem;
    }

    /// <summary>The library TorchSharp uses, opened once.</summary>
    public static LibTorchSymbols CpuLibrary => Loaded.Value;

    /// <summary>Why the library cannot be searched, or null when it can.</summary>
    public string? Problem { get; }

    /// <summary>The function <paramref name="symbol"/> as <typeparamref name="T"/>, or null (with the missing name added to <paramref name="missing"/>).</summary>
    public T? Find<T>(string symbol, ICollection<string> missing)
        where T : Delegate
    {
        ArgumentNullException.ThrowIfNull(missing);
        if (Problem is null && NativeLibrary.TryGetExport(handle, symbol, out var address))
        {
            return Marshal.GetDelegateForFunctionPointer<T>(address);
        }

        missing.Add(symbol);
        return null;
    }

    private static LibTorchSymbols Load()
    {
        if (OperatingSystem.IsWindows())
        {
            return new LibTorchSymbols(IntPtr.Zero, "libtorch's functions are looked up by their GCC/Clang (Itanium) mangled names, which Windows builds of libtorch do not use.");
        }

        // TorchSharp loads libLibTorchSharp, which needs libtorch_cpu: once torch is initialised, the
        // dynamic loader hands back that copy for the bare file name instead of loading another.
        torch.InitializeDeviceType(DeviceType.CPU);
        var name = OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
        return NativeLibrary.TryLoad(name, out var handle) || NativeLibrary.TryLoad(name, typeof(torch).Assembly, null, out handle)
            ? new LibTorchSymbols(handle, null)
            : new LibTorchSymbols(IntPtr.Zero, $"{name} could not be opened, though TorchSharp is loaded.");
    }
}
