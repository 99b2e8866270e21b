using System.Runtime.InteropServices;
using ImageClassifier.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Amp;

/// <summary>
/// libtorch's autocast switches (<c>at::autocast</c> in <c>ATen/autocast_mode.h</c>), which
/// TorchSharp 0.107 does not wrap: looked up by their Itanium-mangled names in the
/// <c>libtorch_cpu</c> that TorchSharp has already loaded (the CUDA build keeps these functions in
/// the same library; the device type argument selects CPU or CUDA autocast).
/// </summary>
/// <remarks>
/// Every switch is thread-local in libtorch: it affects the calling thread only. <c>c10::DeviceType</c>
/// and <c>c10::ScalarType</c> are <c>int8_t</c> enums with the values of TorchSharp's
/// <see cref="DeviceType"/> and <see cref="ScalarType"/>; a C++ <c>bool</c> is one byte.
/// Checked on Linux, with the libtorch this repository builds with; Windows builds of libtorch use
/// other (MSVC) names, so there <see cref="IsAvailable"/> is false and <see cref="Functions"/> throws.
/// </remarks>
internal static class LibTorchAutocast
{
    private const string SetEnabledName = "_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb";
    private const string IsEnabledName = "_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE";
    private const string SetDtypeName = "_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE";
    private const string GetDtypeName = "_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE";
    private const string IncrementNestingName = "_ZN2at8autocast17increment_nestingEv";
    private const string DecrementNestingName = "_ZN2at8autocast17decrement_nestingEv";
    private const string ClearCacheName = "_ZN2at8autocast11clear_cacheEv";
    private const string IsCacheEnabledName = "_ZN2at8autocast25is_autocast_cache_enabledEv";
    private const string SetCacheEnabledName = "_ZN2at8autocast26set_autocast_cache_enabledEb";

    private static readonly Lazy<(Table? Table, string? Problem)> Resolved = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void SetEnabled(sbyte deviceType, byte enabled);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate byte IsEnabled(sbyte deviceType);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void SetDtype(sbyte deviceType, sbyte dtype);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate sbyte GetDtype(sbyte deviceType);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate int Nesting();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void Action();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate byte GetFlag();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void SetFlag(byte value);

    /// <summary>Whether the functions were found.</summary>
    public static bool IsAvailable => Resolved.Value.Table is not null;

    /// <summary>Why the functions are not available, or null when they are.</summary>
    public static string? Problem => Resolved.Value.Problem;

    /// <summary>The functions.</summary>
    /// <exception cref="NotSupportedException">libtorch_cpu or one of the functions was not found.</exception>
    public static Table Functions => Resolved.Value.Table
        ?? throw new NotSupportedException($"Mixed precision (autocast) is not available: {Resolved.Value.Problem}");

    private static (Table?, string?) Resolve()
    {
        var library = LibTorchSymbols.CpuLibrary;
        if (library.Problem is { } problem)
        {
            return (null, problem);
        }

        var missing = new List<string>();
        T Get<T>(string symbol)
            where T : Delegate => library.Find<T>(symbol, missing)!;

        var table = new Table(
            Get<SetEnabled>(SetEnabledName),
            Get<IsEnabled>(IsEnabledName),
            Get<SetDtype>(SetDtypeName),
            Get<GetDtype>(GetDtypeName),
            Get<Nesting>(IncrementNestingName),
            Get<Nesting>(DecrementNestingName),
            Get<Action>(ClearCacheName),
            Get<GetFlag>(IsCacheEnabledName),
            Get<SetFlag>(SetCacheEnabledName));
        return missing.Count == 0
            ? (table, null)
            : (null, $"this libtorch_cpu does not export {string.Join(", ", missing)} (older libtorch releases have other autocast functions; this build needs the ones that take a device type).");
    }

    /// <summary>The resolved functions.</summary>
    internal sealed record Table(
        SetEnabled SetAutocastEnabled,
        IsEnabled IsAutocastEnabled,
        SetDtype SetAutocastDtype,
        GetDtype GetAutocastDtype,
        Nesting IncrementNesting,
        Nesting DecrementNesting,
        Action ClearCache,
        GetFlag IsCacheEnabled,
        SetFlag SetCacheEnabled);
}
