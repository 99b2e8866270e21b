using System.Runtime.InteropServices;

namespace ImageClassifier.Runtime;

/// <summary>
/// Whether libtorch's NNPACK can run on this CPU. libtorch asks NNPACK the first time a
/// convolution could use it (float32 inference on the CPU, batch of 16 or more, with oneDNN off or
/// declining the shape); where NNPACK refuses, libtorch prints "Could not initialize NNPACK!
/// Reason: Unsupported hardware." on stderr, which a user can do nothing about. Asking first, and
/// switching NNPACK off where it would refuse, keeps that line away and changes no result: libtorch
/// then uses the kernels it falls back to anyway.
/// </summary>
public static class NnpackSupport
{
    private const string InitializeName = "nnp_initialize";
    private const int Success = 0;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int Initialize();

    /// <summary>
    /// NNPACK's rule, as a function of the CPU: on x86 and x64 it needs AVX2 and FMA3 and a
    /// description of the level-1 data, level-2 and level-3 caches (it sizes its blocks from them;
    /// many virtual machines hide them); on other architectures it assumes fixed cache sizes and
    /// always runs.
    /// </summary>
    public static bool IsSupported(CpuFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return features.Architecture is not (Architecture.X64 or Architecture.X86)
            || (features.HasAvx2 && features.HasFma3 && features.HasL1DataCache && features.HasL2Cache && features.HasL3Cache);
    }

    /// <summary>
    /// NNPACK's own verdict: the result of <c>nnp_initialize()</c> in the libtorch TorchSharp has
    /// loaded (it prints nothing; libtorch prints the warning from its answer), or null when that
    /// libtorch does not export it.
    /// </summary>
    public static bool? AskLibTorch()
    {
        var initialize = LibTorchSymbols.CpuLibrary.Find<Initialize>(InitializeName, new List<string>());
        return initialize is null ? null : initialize() == Success;
    }

    /// <summary>
    /// The verdict libtorch will reach: NNPACK's own (<see cref="AskLibTorch"/>) where it can be
    /// asked, else the prediction from <see cref="CpuFeatures.Detect"/>.
    /// </summary>
    public static bool Check() => AskLibTorch() ?? IsSupported(CpuFeatures.Detect());
}
