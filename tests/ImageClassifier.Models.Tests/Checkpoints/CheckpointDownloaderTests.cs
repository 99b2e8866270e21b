using System.Security.Cryptography;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Tests.TestHelpers;

namespace ImageClassifier.Models.Tests.Checkpoints;

/// <summary>Checkpoints by URL, from a server on loopback (nothing here reaches the internet).</summary>
public sealed class CheckpointDownloaderTests : IDisposable
{
    private readonly LoopbackFileServer server = new();
    private readonly string cache = Path.Combine(Path.GetTempPath(), $"icls-cache-{Guid.NewGuid():N}");
    private readonly byte[] content = File.ReadAllBytes(FixturePaths.File("Conversion", "tv_resnet18_w8.pth"));

    public void Dispose()
    {
        server.Dispose();
        if (Directory.Exists(cache))
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private string Named(string stem) => $"{stem}-{Convert.ToHexStringLower(SHA256.HashData(content))[..8]}.pth";

    [Fact]
    public void A_url_downloads_once_into_the_cache_checked_against_the_hash_in_its_name()
    {
        var url = server.Add(Named("resnet18"), content);
        var reports = new List<DownloadProgress>();

        var first = CheckpointDownloader.Resolve(url, cache, progress: new Recorder(reports));
        var second = CheckpointDownloader.Resolve(url, cache, progress: new Recorder(reports));

        Assert.Equal(first, second);
        Assert.Equal(content, File.ReadAllBytes(first));
        Assert.Single(server.Requests);
        Assert.Equal(content.Length, reports[^1].Received);
        Assert.Equal(content.Length, reports[^1].Total);
    }

    [Fact]
    public void A_partial_download_continues_with_a_range_request()
    {
        var name = Named("resnet18");
        var url = server.Add(name, content);
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, name + ".part"), content[..1000]);

        var path = CheckpointDownloader.Resolve(url, cache, progress: new Recorder([]));

        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal([$"/{name} from 1000"], server.Requests);
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public void A_file_whose_hash_disagrees_with_its_name_is_refused_and_removed()
    {
        var name = "resnet18-00000000.pth";
        var url = server.Add(name, content);

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointDownloader.Resolve(url, cache, progress: new Recorder([])));

        Assert.Contains("does not start with 00000000", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cache));
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_the_url_and_the_status()
    {
        var url = server.BaseUrl + "missing-12345678.pth";

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointDownloader.Resolve(url, cache, progress: new Recorder([])));

        Assert.Contains(url, error.Message, StringComparison.Ordinal);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cache, "missing-12345678.pth")));
    }

    [Fact]
    public void The_reader_takes_a_url_where_it_takes_a_path()
    {
        var url = server.Add(Named("resnet18"), content);
        var home = Environment.GetEnvironmentVariable("ICLS_HOME");
        Environment.SetEnvironmentVariable("ICLS_HOME", cache);
        var silent = CheckpointDownloader.Progress;
        CheckpointDownloader.Progress = new Recorder([]);
        try
        {
            var stateDict = TorchCheckpointReader.ReadDictionary(url);

            Assert.Contains("conv1.weight", stateDict.Keys);
            Assert.True(File.Exists(Path.Combine(cache, "checkpoints", Named("resnet18"))));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ICLS_HOME", home);
            CheckpointDownloader.Progress = silent;
        }
    }

    private sealed class Recorder(List<DownloadProgress> reports) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => reports.Add(value);
    }
}
