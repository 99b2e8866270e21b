using System.Buffers.Binary;
using CsCheck;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Tests.TestHelpers;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

/// <summary>
/// Property-based fuzzing of the checkpoint reader: random bytes and mutations of real
/// checkpoints (flipped and overwritten bytes, truncations, forged zip sizes and storage counts)
/// either load within the limits or fail with a <see cref="CheckpointFormatException"/> naming
/// the source; nothing else escapes, the tensors loaded never exceed the storage limit, and no
/// read allocates managed memory beyond the limits. Small iteration counts on one thread keep
/// each property to a few seconds; CsCheck prints the seed of any failure to replay it.
/// </summary>
public sealed class TorchCheckpointReaderFuzzTests
{
    private const string SourceName = "fuzzed.pth";

    private static readonly CheckpointReadOptions Limits = new() { MaxStorageBytes = 1 << 20, MaxPickleBytes = 1 << 16 };

    // The zip directory, the pickle machine's stacks and memo, and messages, besides the limits.
    private const long Overhead = 8 << 20;

    private static readonly uint[] InterestingValues = [0, 1, 3, 4, 15, 16, 17, 0x7FFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];

    private static readonly Lazy<byte[][]> Seeds = new(() =>
    [
        .. new[] { "state_dict.pth", "legacy_checkpoint.pth", "dtypes_and_views.pth" }.Select(name => File.ReadAllBytes(CheckpointFixtures.PathOf(name))),
        File.ReadAllBytes(FixturePaths.File("Hostile", "valid_four_floats.pth")),
    ]);

    [Fact]
    public void Random_bytes_never_escape_as_anything_but_a_format_error()
    {
        byte[][] starts = [[], "PK\u0003\u0004"u8.ToArray(), [0x80, 0x02], [0x80, 0x02, 0x8A, 0x0A]];
        var gen = Gen.Select(Gen.Int[0, starts.Length - 1], Gen.Byte.Array[0, 2048])
            .Select(pair => starts[pair.Item1].Concat(pair.Item2).ToArray());

        gen.Sample(ReadWithinLimits, iter: 300, threads: 1, print: Describe);
    }

    [Fact]
    public void Mutations_of_real_checkpoints_load_within_the_limits_or_fail_naming_the_file()
    {
        var mutation = Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.UInt);
        var gen = Gen.Select(Gen.Int[0, Seeds.Value.Length - 1], mutation.Array[1, 3])
            .Select(pair => Mutate(Seeds.Value[pair.Item1], pair.Item2));

        gen.Sample(ReadWithinLimits, iter: 400, threads: 1, print: Describe);
    }

    private static void ReadWithinLimits(byte[] bytes)
    {
        using var scope = NewDisposeScope();
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var root = TorchCheckpointReader.Read(new MemoryStream(bytes, writable: false), SourceName, Limits);
            var storages = CheckpointFixtures.TensorsByPath(root).Values
                .Select(tensor => tensor.NumberOfElements * tensor.ElementSize).Sum();
            Assert.InRange(storages, 0, Limits.MaxStorageBytes);
        }
        catch (CheckpointFormatException error)
        {
            Assert.Contains(SourceName, error.Message);
            Assert.Equal(SourceName, error.FilePath);
        }

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, Limits.MaxStorageBytes + Limits.MaxPickleBytes + Overhead);
    }

    private static byte[] Mutate(byte[] seed, (int Kind, int Position, uint Value)[] mutations)
    {
        var bytes = (byte[])seed.Clone();
        foreach (var (kind, position, value) in mutations)
        {
            if (bytes.Length == 0)
            {
                break;
            }

            var at = position % bytes.Length;
            var interesting = InterestingValues[value % InterestingValues.Length];
            switch (kind)
            {
                case 0: // flip a bit
                    bytes[at] ^= (byte)(1 << (int)(value % 8));
                    break;
                case 1: // overwrite a byte
                    bytes[at] = (byte)value;
                    break;
                case 2: // truncate
                    bytes = bytes[..at];
                    break;
                case 3: // forge a size in the zip's central directory: compressed (20) or uncompressed (24)
                    ForgeZipSize(bytes, position, value % 2 == 0 ? 20 : 24, interesting);
                    break;
                case 4: // forge a storage's element count where the pickle spells it (BININT 'J' after "cpu")
                    ForgeStorageCount(bytes, position, interesting);
                    break;
                default: // overwrite a 32-bit field with an edge value
                    if (at + 4 <= bytes.Length)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), interesting);
                    }

                    break;
            }
        }

        return bytes;
    }

    private static void ForgeZipSize(byte[] bytes, int choice, int fieldOffset, uint value)
    {
        var headers = Offsets(bytes, [(byte)'P', (byte)'K', 1, 2]);
        if (headers.Count > 0)
        {
            var header = headers[choice % headers.Count];
            if (header + fieldOffset + 4 <= bytes.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(header + fieldOffset), value);
            }
        }
    }

    private static void ForgeStorageCount(byte[] bytes, int choice, uint value)
    {
        var cpu = Offsets(bytes, "cpu"u8.ToArray());
        if (cpu.Count > 0)
        {
            var at = cpu[choice % cpu.Count] + 3;
            if (at + 5 <= bytes.Length && bytes[at] == 'J')
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 1), value);
            }
        }
    }

    private static List<int> Offsets(byte[] bytes, byte[] pattern)
    {
        var found = new List<int>();
        for (var index = bytes.AsSpan().IndexOf(pattern); index >= 0;)
        {
            found.Add(index);
            var next = bytes.AsSpan(index + 1).IndexOf(pattern);
            index = next < 0 ? -1 : index + 1 + next;
        }

        return found;
    }

    private static string Describe(byte[] bytes) => $"{bytes.Length} bytes: {Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 64)))}";
}
