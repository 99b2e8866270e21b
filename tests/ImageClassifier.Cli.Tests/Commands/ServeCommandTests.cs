using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Tests.TestHelpers;
using static ImageClassifier.Cli.Tests.TestHelpers.InProcessIcls;

namespace ImageClassifier.Cli.Tests.Commands;

/// <summary>icls serve: the real executable in a process of its own, stopped with SIGINT as Ctrl+C stops it.</summary>
[Collection(TrainingCollection.Name)]
public sealed partial class ServeCommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly TinyExperiment experiment = new();

    public void Dispose() => experiment.Dispose();

    [Fact]
    public async Task Serve_prints_its_address_answers_predictions_and_stops_cleanly_on_ctrl_c()
    {
        var checkpoint = TrainedCheckpoint(experiment.ConfigPath, experiment.WorkDir());
        var image = Path.Combine(experiment.Root, "toy.png");
        ImageCodec.WritePng(new ImageData(Fixtures.ToyImage(2, 16, new Random(4)), 1, 16, 16), image);

        using var server = StartIcls("serve", experiment.ConfigPath, checkpoint, "--urls", "http://127.0.0.1:0", "--device", "cpu", "--topk", "3", "--max-batch-size", "4", "--max-wait-ms", "2");
        var address = await ReadAddressAsync(server);
        using var client = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = Patience };
        using var health = await client.GetAsync("health");
        using var prediction = await client.PostAsync("predict?name=toy.png", new ByteArrayContent(await File.ReadAllBytesAsync(image)));
        var answer = JsonDocument.Parse(await prediction.Content.ReadAsStringAsync());

        using (var kill = Process.Start("kill", ["-INT", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(Patience);
        await server.WaitForExitAsync(timeout.Token);
        var rest = await server.StandardOutput.ReadToEndAsync();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        Assert.Equal("tiny", answer.RootElement.GetProperty("model").GetString());
        var result = answer.RootElement.GetProperty("predictions")[0];
        Assert.Equal("toy.png", result.GetProperty("source").GetString());
        Assert.Equal(3, result.GetProperty("topk").GetArrayLength());
        Assert.True(server.ExitCode == ExitCodes.Ok, $"exit code {server.ExitCode}: {await server.StandardError.ReadToEndAsync()}");
        Assert.Contains("Stopped.", rest);
    }

    [Fact]
    public void Serve_reports_a_config_error_before_listening()
    {
        var run = Icls("serve", experiment.ConfigPath, "missing.pth", "--cfg-options", "model.head.num_classes=0", "--urls", "http://127.0.0.1:0");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("$.model.head.num_classes", run.Error);
        Assert.DoesNotContain("Serving", run.Output);
    }

    [Fact]
    public void Serve_refuses_options_out_of_range()
    {
        var run = Icls("serve", experiment.ConfigPath, "model.pth", "--max-batch-size", "0");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("--max-batch-size must be 1 or more", run.Error);
    }

    private static Process StartIcls(params string[] arguments) => Process.Start(IclsProcess.StartInfo(arguments))!;

    private static async Task<string> ReadAddressAsync(Process server)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (await server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ServingLine().Match(line) is { Success: true } match)
            {
                return match.Groups["address"].Value;
            }
        }

        throw new InvalidOperationException($"icls serve exited ({server.ExitCode}) without printing its address: {await server.StandardError.ReadToEndAsync()}");
    }

    [GeneratedRegex(@"^Serving tiny on (?<address>http://127\.0\.0\.1:\d+) \(press Ctrl\+C to stop\)$")]
    private static partial Regex ServingLine();
}
