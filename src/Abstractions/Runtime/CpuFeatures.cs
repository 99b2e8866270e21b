using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace ImageClassifier.Runtime;

/// <summary>
/// What libtorch's NNPACK asks of a CPU before it agrees to run (<see cref="NnpackSupport"/>): the
/// architecture, the AVX2 and FMA3 instruction sets, and whether the first three cache levels are
/// described. Read from CPUID the way the cpuinfo library inside libtorch reads it, so that the
/// prediction matches NNPACK's own verdict.
/// </summary>
/// <param name="Architecture">The process's architecture.</param>
/// <param name="HasAvx2">AVX2, with the operating system saving the YMM registers.</param>
/// <param name="HasFma3">FMA3, with the operating system saving the YMM registers.</param>
/// <param name="HasL1DataCache">CPUID describes a level-1 data (or unified) cache.</param>
/// <param name="HasL2Cache">CPUID describes a level-2 cache.</param>
/// <param name="HasL3Cache">CPUID describes a level-3 cache.</param>
public sealed record CpuFeatures(
    Architecture Architecture,
    bool HasAvx2,
    bool HasFma3,
    bool HasL1DataCache,
    bool HasL2Cache,
    bool HasL3Cache)
{
    // CPUID bits (Intel SDM vol. 2A, AMD APM vol. 3).
    private const uint OsXsaveBit = 1u << 27;
    private const uint AvxBit = 1u << 28;
    private const uint FmaBit = 1u << 12;
    private const uint Avx2Bit = 1u << 5;
    private const uint TopologyExtensionsBit = 1u << 22;
    private const uint AmdCacheLeaf = 0x8000001D;

    // A CPU reports at most a handful of caches; the bound only guards against a broken hypervisor.
    private const uint MaxCacheEntries = 16;

    /// <summary>This machine's features: from CPUID on x86 and x64; elsewhere only the architecture.</summary>
    public static CpuFeatures Detect() =>
        X86Base.IsSupported
            ? FromCpuid(RuntimeInformation.ProcessArchitecture, (leaf, subleaf) =>
            {
                var (eax, ebx, ecx, edx) = X86Base.CpuId(unchecked((int)leaf), unchecked((int)subleaf));
                return (unchecked((uint)eax), unchecked((uint)ebx), unchecked((uint)ecx), unchecked((uint)edx));
            })
            : new CpuFeatures(RuntimeInformation.ProcessArchitecture, false, false, false, false, false);

    /// <summary>
    /// Decodes the features from CPUID answers, as cpuinfo does: instruction sets from leaves 1 and
    /// 7, caches from leaf 4 (any vendor but AMD and Hygon) and from leaf 0x8000001D (when the CPU
    /// declares AMD's topology extensions). cpuinfo also decodes leaf 2's legacy descriptors, which
    /// only CPUs too old for AVX2 need, so they are not read here.
    /// </summary>
    /// <param name="architecture">The architecture to report.</param>
    /// <param name="cpuid">Answers CPUID for a leaf and subleaf with (EAX, EBX, ECX, EDX).</param>
    public static CpuFeatures FromCpuid(Architecture architecture, Func<uint, uint, (uint Eax, uint Ebx, uint Ecx, uint Edx)> cpuid)
    {
        ArgumentNullException.ThrowIfNull(cpuid);
        var vendor = cpuid(0, 0);
        var maxLeaf = vendor.Eax;
        var maxExtendedLeaf = cpuid(0x80000000, 0).Eax;

        var basic = maxLeaf >= 1 ? cpuid(1, 0) : default;
        var structured = maxLeaf >= 7 ? cpuid(7, 0) : default;

        // Without XSAVE enabled by the OS the YMM registers are not saved, and cpuinfo reports no AVX at all.
        var ymmSaved = (basic.Ecx & OsXsaveBit) != 0 && (basic.Ecx & AvxBit) != 0;
        var avx2 = ymmSaved && (structured.Ebx & Avx2Bit) != 0;
        var fma3 = ymmSaved && (basic.Ecx & FmaBit) != 0;

        var levels = new HashSet<int>();
        var amdLike = IsVendor(vendor, "AuthenticAMD") || IsVendor(vendor, "HygonGenuine");
        if (!amdLike && maxLeaf >= 4)
        {
            AddCaches(levels, subleaf => cpuid(4, subleaf));
        }

        var topologyExtensions = maxExtendedLeaf >= 0x80000001 && (cpuid(0x80000001, 0).Ecx & TopologyExtensionsBit) != 0;
        if (topologyExtensions && maxExtendedLeaf >= AmdCacheLeaf)
        {
            AddCaches(levels, subleaf => cpuid(AmdCacheLeaf, subleaf));
        }

        return new CpuFeatures(architecture, avx2, fma3, levels.Contains(1), levels.Contains(2), levels.Contains(3));
    }

    // Leaves 4 and 0x8000001D share a layout: EAX bits 0-4 the type (0 ends the list, 2 is an
    // instruction cache), bits 5-7 the level.
    private static void AddCaches(HashSet<int> levels, Func<uint, (uint Eax, uint Ebx, uint Ecx, uint Edx)> entry)
    {
        for (var subleaf = 0u; subleaf < MaxCacheEntries; subleaf++)
        {
            var eax = entry(subleaf).Eax;
            var type = eax & 0x1F;
            if (type == 0)
            {
                return;
            }

            if (type != 2)
            {
                levels.Add((int)((eax >> 5) & 0x7));
            }
        }
    }

    // The vendor string is EBX, EDX, ECX of leaf 0, four ASCII characters each, lowest byte first.
    private static bool IsVendor((uint Eax, uint Ebx, uint Ecx, uint Edx) leaf0, string name)
    {
        Span<byte> text = stackalloc byte[12];
        BitConverter.TryWriteBytes(text[..4], leaf0.Ebx);
        BitConverter.TryWriteBytes(text[4..8], leaf0.Edx);
        BitConverter.TryWriteBytes(text[8..], leaf0.Ecx);
        return System.Text.Encoding.ASCII.GetString(text) == name;
    }
}
