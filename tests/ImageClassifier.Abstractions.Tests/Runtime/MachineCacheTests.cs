using ImageClassifier.Runtime;

namespace ImageClassifier.Abstractions.Tests.Runtime;

public sealed class MachineCacheTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"icls-machine-cache-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Values_are_read_back_by_key_and_other_entries_are_kept()
    {
        Assert.Null(MachineCache.TryRead(folder, "verdicts.json", "a"));

        MachineCache.Write(folder, "verdicts.json", "a", "first");
        MachineCache.Write(folder, "verdicts.json", "b", "second");
        MachineCache.Write(folder, "verdicts.json", "a", "replaced");

        Assert.Equal("replaced", MachineCache.TryRead(folder, "verdicts.json", "a"));
        Assert.Equal("second", MachineCache.TryRead(folder, "verdicts.json", "b"));
        Assert.Null(MachineCache.TryRead(folder, "other.json", "a"));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void A_damaged_file_reads_as_empty_and_is_replaced_by_the_next_write()
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "verdicts.json");
        File.WriteAllText(path, "[1, 2");

        Assert.Null(MachineCache.TryRead(folder, "verdicts.json", "a"));
        MachineCache.Write(folder, "verdicts.json", "a", "fresh");

        Assert.Equal("fresh", MachineCache.TryRead(folder, "verdicts.json", "a"));
    }

    [Fact]
    public void The_machine_key_is_stable_and_hashes_differ_by_text()
    {
        Assert.Equal(MachineCache.MachineKey(), MachineCache.MachineKey());
        Assert.Equal(32, MachineCache.MachineKey().Length);
        Assert.NotEqual(MachineCache.Hash("a"), MachineCache.Hash("b"));
        Assert.Equal(MachineCache.Hash("a"), MachineCache.Hash("a"));
    }
}
