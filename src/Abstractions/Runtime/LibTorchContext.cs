using System.Runtime.InteropServices;

namespace ImageClassifier.Runtime;

/// <summary>
/// libtorch's global <c>at::Context</c> switches for oneDNN (mkldnn) and NNPACK, which TorchSharp
/// 0.107 does not wrap. Member functions take the context as their first (<c>this</c>) argument;
/// a C++ <c>bool</c> is one byte.
/// </summary>
public static class LibTorchContext
{
    private const string GlobalContextName = "_ZN2at13globalContextEv";
    private const string SetMkldnnName = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private const string GetMkldnnName = "_ZNK2at7Context17userEnabledMkldnnEv";
    private const string SetNnpackName = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private const string GetNnpackName = "_ZNK2at7Context17userEnabledNNPACKEv";

    private static readonly Lazy<(Table? Table, string? Problem)> Resolved = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetFlag(IntPtr context, byte value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate byte GetFlag(IntPtr context);

    /// <summary>Whether the switches were found.</summary>
    public static bool IsAvailable => Resolved.Value.Table is not null;

    /// <summary>Why the switches are not available, or null when they are.</summary>
    public static string? Problem => Resolved.Value.Problem;

    /// <summary>Whether libtorch may use oneDNN (mkldnn) kernels.</summary>
    public static bool MkldnnEnabled => Functions.GetMkldnn(Functions.Context) != 0;

    /// <summary>Whether libtorch may use NNPACK kernels.</summary>
    public static bool NnpackEnabled => Functions.GetNnpack(Functions.Context) != 0;

    /// <summary>Lets libtorch use oneDNN kernels, or not (process-wide).</summary>
    public static void SetMkldnnEnabled(bool enabled) => Functions.SetMkldnn(Functions.Context, enabled ? (byte)1 : (byte)0);

    /// <summary>Lets libtorch use NNPACK kernels, or not (process-wide).</summary>
    public static void SetNnpackEnabled(bool enabled) => Functions.SetNnpack(Functions.Context, enabled ? (byte)1 : (byte)0);

    private static Table Functions => Resolved.Value.Table
        ?? throw new NotSupportedException($"libtorch's context switches are not available: {Resolved.Value.Problem}");

    private static (Table?, string?) Resolve()
    {
        var library = LibTorchSymbols.CpuLibrary;
        var missing = new List<string>();
        var globalContext = library.Find<GlobalContext>(GlobalContextName, missing);
        var setMkldnn = library.Find<SetFlag>(SetMkldnnName, missing);
        var getMkldnn = library.Find<GetFlag>(GetMkldnnName, missing);
        var setNnpack = library.Find<SetFlag>(SetNnpackName, missing);
        var getNnpack = library.Find<GetFlag>(GetNnpackName, missing);
        if (library.Problem is { } problem)
        {
            return (null, problem);
        }

        return missing.Count == 0
            ? (new Table(globalContext!(), setMkldnn!, getMkldnn!, setNnpack!, getNnpack!), null)
            : (null, $"this libtorch_cpu does not export {string.Join(", ", missing)}.");
    }

    private sealed record Table(IntPtr Context, SetFlag SetMkldnn, GetFlag GetMkldnn, SetFlag SetNnpack, GetFlag GetNnpack);
}
