using ImageClassifier.Data.Images;

namespace SeedExamples.Tests;

/// <summary>
/// Every config in configs/ (the README's quick start and the documented recipes) binds, builds
/// every section a run uses and wires up at its input size, as <c>icls validate</c> checks it, so
/// no recipe in the repository rots when a component changes. The data comes from the repository's
/// Fashion-MNIST subset, so that configs written for the full set validate where it is not installed.
/// The zoo's ImageNet-1k configs (configs/FAMILY/*.json) read a made-up ImageNet of a few small
/// images laid out as data/imagenet is.
/// </summary>
public sealed class RepositoryConfigsTests : IDisposable
{
    private readonly string imageNet = Path.Combine(Path.GetTempPath(), $"icls-imagenet-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(imageNet))
        {
            Directory.Delete(imageNet, recursive: true);
        }
    }

    public static TheoryData<string> ZooConfigs { get; } = new(
        Directory.GetDirectories(Path.Combine(SamplePluginHost.RepositoryRoot(), "configs"))
            .Where(folder => Path.GetFileName(folder) != "_base_")
            .SelectMany(folder => Directory.GetFiles(folder, "*.json"))
            .Select(path => Path.GetRelativePath(Path.Combine(SamplePluginHost.RepositoryRoot(), "configs"), path))
            .Order(StringComparer.Ordinal));

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

    [Theory]
    [MemberData(nameof(ZooConfigs))]
    public void ImageNet_configs_validate_and_wire_up_at_their_size(string file)
    {
        foreach (var (split, name) in new[] { ("train", "a"), ("train", "b"), ("val", "a"), ("val", "b") })
        {
            var path = Path.Combine(imageNet, split, "n0000000" + name, "1.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            ImageCodec.WritePng(new ImageData(new byte[3 * 8 * 8], 3, 8, 8), path);
        }

        var host = SamplePluginHost.Host;
        var root = SamplePluginHost.RepositoryRoot();
        string[] options = [.. new[] { "train", "val", "test" }.Select(stage => $"{stage}_dataloader.dataset.data_root={imageNet}")];
        var run = host.LoadRun(Path.Combine(root, "configs", file), options);

        host.Validate(run);
        var wiring = host.CheckWiring(run);

        Assert.NotNull(wiring);
        Assert.Equal(2, wiring.OutputShape.Count);
        Assert.Equal(1L, wiring.OutputShape[0]);
    }
}
