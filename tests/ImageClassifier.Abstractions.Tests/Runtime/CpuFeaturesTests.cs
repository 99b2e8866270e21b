using System.Runtime.InteropServices;
using ImageClassifier.Runtime;

namespace ImageClassifier.Abstractions.Tests.Runtime;

/// <summary>
/// CPUID answers decoded as the cpuinfo library inside libtorch decodes them: register dumps of an
/// Intel server, a virtual machine that hides its L3, AMD guests with and without topology
/// extensions, and an OS that does not save the YMM registers.
/// </summary>
public sealed class CpuFeaturesTests
{
    // Vendor strings as leaf 0 spells them in EBX, EDX, ECX.
    private static readonly (uint Ebx, uint Edx, uint Ecx) Intel = (0x756E6547, 0x49656E69, 0x6C65746E);
    private static readonly (uint Ebx, uint Edx, uint Ecx) Amd = (0x68747541, 0x69746E65, 0x444D4163);

    // Leaf 1 ECX: FMA (bit 12), OSXSAVE (27), AVX (28). Leaf 7 EBX: AVX2 (bit 5).
    private const uint FmaOsxsaveAvx = (1u << 12) | (1u << 27) | (1u << 28);
    private const uint Avx2 = 1u << 5;

    // Cache entries (leaves 4 and 0x8000001D): EAX = type | level << 5; type 1 data, 2 instruction, 3 unified.
    private const uint L1Data = 1 | (1 << 5);
    private const uint L1Instruction = 2 | (1 << 5);
    private const uint L2Unified = 3 | (2 << 5);
    private const uint L3Unified = 3 | (3 << 5);

    [Fact]
    public void An_intel_server_reports_avx2_fma3_and_three_cache_levels_from_leaf_4()
    {
        var features = Decode(Cpu(Intel, maxLeaf: 0x1F, maxExtended: 0x80000008, leaf1Ecx: FmaOsxsaveAvx, leaf7Ebx: Avx2, leaf4: [L1Data, L1Instruction, L2Unified, L3Unified]));

        Assert.Equal(new CpuFeatures(Architecture.X64, true, true, true, true, true), features);
    }

    [Fact]
    public void A_virtual_machine_that_describes_no_l3_reports_none()
    {
        var features = Decode(Cpu(Intel, maxLeaf: 0x1F, maxExtended: 0x80000008, leaf1Ecx: FmaOsxsaveAvx, leaf7Ebx: Avx2, leaf4: [L1Data, L1Instruction, L2Unified]));

        Assert.True(features.HasL2Cache);
        Assert.False(features.HasL3Cache);
    }

    [Fact]
    public void An_instruction_cache_is_not_a_data_cache()
    {
        var features = Decode(Cpu(Intel, maxLeaf: 0x1F, maxExtended: 0x80000008, leaf1Ecx: FmaOsxsaveAvx, leaf7Ebx: Avx2, leaf4: [L1Instruction, L2Unified, L3Unified]));

        Assert.False(features.HasL1DataCache);
    }

    [Fact]
    public void An_amd_guest_without_topology_extensions_has_no_caches_even_when_leaf_4_answers()
    {
        // cpuinfo reads AMD caches only from leaf 0x8000001D, which needs the topology extensions (0x80000001 ECX bit 22).
        var features = Decode(Cpu(Amd, maxLeaf: 0x10, maxExtended: 0x80000023, leaf1Ecx: FmaOsxsaveAvx, leaf7Ebx: Avx2, leaf4: [L1Data, L2Unified, L3Unified], amdLeaf: [L1Data, L2Unified, L3Unified]));

        Assert.True(features.HasAvx2);
        Assert.True(features.HasFma3);
        Assert.False(features.HasL1DataCache || features.HasL2Cache || features.HasL3Cache);
    }

    [Fact]
    public void An_amd_cpu_with_topology_extensions_reports_its_caches_from_leaf_0x8000001D()
    {
        var features = Decode(Cpu(Amd, maxLeaf: 0x10, maxExtended: 0x80000023, leaf1Ecx: FmaOsxsaveAvx, leaf7Ebx: Avx2, amdLeaf: [L1Data, L1Instruction, L2Unified, L3Unified], topologyExtensions: true));

        Assert.Equal(new CpuFeatures(Architecture.X64, true, true, true, true, true), features);
    }

    [Fact]
    public void Without_osxsave_the_avx_family_does_not_count()
    {
        var features = Decode(Cpu(Intel, maxLeaf: 0x1F, maxExtended: 0x80000008, leaf1Ecx: FmaOsxsaveAvx & ~(1u << 27), leaf7Ebx: Avx2, leaf4: [L1Data, L2Unified, L3Unified]));

        Assert.False(features.HasAvx2);
        Assert.False(features.HasFma3);
        Assert.True(features.HasL3Cache);
    }

    [Fact]
    public void A_cpu_without_leaf_7_has_no_avx2()
    {
        var features = Decode(Cpu(Intel, maxLeaf: 6, maxExtended: 0x80000008, leaf1Ecx: FmaOsxsaveAvx, leaf7Ebx: Avx2, leaf4: [L1Data, L2Unified, L3Unified]));

        Assert.False(features.HasAvx2);
        Assert.True(features.HasFma3);
    }

    [Fact]
    public void This_machine_is_read_without_error()
    {
        var features = CpuFeatures.Detect();

        Assert.Equal(RuntimeInformation.ProcessArchitecture, features.Architecture);
    }

    private static CpuFeatures Decode(Dictionary<(uint, uint), (uint, uint, uint, uint)> registers) =>
        CpuFeatures.FromCpuid(Architecture.X64, (leaf, subleaf) => registers.GetValueOrDefault((leaf, subleaf)));

    private static Dictionary<(uint, uint), (uint, uint, uint, uint)> Cpu(
        (uint Ebx, uint Edx, uint Ecx) vendor,
        uint maxLeaf,
        uint maxExtended,
        uint leaf1Ecx,
        uint leaf7Ebx,
        uint[]? leaf4 = null,
        uint[]? amdLeaf = null,
        bool topologyExtensions = false)
    {
        var registers = new Dictionary<(uint, uint), (uint, uint, uint, uint)>
        {
            [(0, 0)] = (maxLeaf, vendor.Ebx, vendor.Ecx, vendor.Edx),
            [(1, 0)] = (0, 0, leaf1Ecx, 0),
            [(7, 0)] = (0, leaf7Ebx, 0, 0),
            [(0x80000000, 0)] = (maxExtended, 0, 0, 0),
            [(0x80000001, 0)] = (0, 0, topologyExtensions ? 1u << 22 : 0, 0),
        };
        for (var i = 0u; i < (leaf4?.Length ?? 0); i++)
        {
            registers[(4, i)] = (leaf4![i], 0, 0, 0);
        }

        for (var i = 0u; i < (amdLeaf?.Length ?? 0); i++)
        {
            registers[(0x8000001D, i)] = (amdLeaf![i], 0, 0, 0);
        }

        return registers;
    }
}
