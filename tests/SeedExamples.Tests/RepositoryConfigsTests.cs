namespace SeedExamples.Tests;

/// <summary>
/// Every config in configs/ (the README's quick start and the documented recipes) binds, builds
/// every section a run uses and wires up at its input size, as <c>icls validate</c> checks it, so
/// no recipe in the repository rots when a component changes. The data comes from the repository's
/// Fashion-MNIST subset, so that configs written for the full set validate where it is not installed.
/// </summary>
public sealed class RepositoryConfigsTests
{
    public static TheoryData<string> Configs { get; } = new(
        Directory.GetFiles(Path.Combine(SamplePluginHost.RepositoryRoot(), "configs"), "*.json").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Configs))]
    public void Validates_and_wires_up(string file)
    {
        var host = SamplePluginHost.Host;
        var root = SamplePluginHost.RepositoryRoot();
        var subset = Path.Combine(root, "data", "fashion-mnist-subset");
        string[] options = [.. new[] { "train", "val", "test" }.Select(stage => $"{stage}_dataloader.dataset.data_root={subset}")];
        var run = host.LoadRun(Path.Combine(root, "configs", file), options);

        host.Validate(run);
        var wiring = host.CheckWiring(run);

        Assert.NotNull(wiring);
        Assert.Equal([1L, 10L], wiring.OutputShape);
    }
}
