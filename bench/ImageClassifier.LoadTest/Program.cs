using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using ImageClassifier.LoadTest;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

LoadTestOptions options;
try
{
    options = LoadTestOptions.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine(LoadTestOptions.Usage);
    return 2;
}

var files = Directory.EnumerateFiles(options.Images).Order(StringComparer.Ordinal).ToArray();
if (files.Length == 0)
{
    Console.Error.WriteLine($"error: {options.Images} holds no files.");
    return 2;
}

var images = files.Select(file => (Name: Path.GetFileName(file), Data: File.ReadAllBytes(file))).ToArray();

// One connection per client, as N independent clients would have.
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
{
    BaseAddress = options.Url,
    Timeout = TimeSpan.FromSeconds(60),
};

var path = $"predict?topk={options.Topk}";
var next = -1;

HttpContent Body()
{
    if (options.ImagesPerRequest == 1)
    {
        var (_, data) = images[(uint)Interlocked.Increment(ref next) % images.Length];
        return new ByteArrayContent(data) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
    }

    var form = new MultipartFormDataContent();
    for (var index = 0; index < options.ImagesPerRequest; index++)
    {
        var (name, data) = images[(uint)Interlocked.Increment(ref next) % images.Length];
        form.Add(new ByteArrayContent(data) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "image", name);
    }

    return form;
}

async Task RunClients(TimeSpan duration, ConcurrentBag<double>? latencies, ConcurrentDictionary<string, int>? outcomes)
{
    var clock = Stopwatch.StartNew();
    var clients = Enumerable.Range(0, options.Clients).Select(async _ =>
    {
        while (clock.Elapsed < duration)
        {
            var started = Stopwatch.GetTimestamp();
            string outcome;
            try
            {
                using var response = await http.PostAsync(path, Body());
                await response.Content.ReadAsByteArrayAsync();
                outcome = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException error)
            {
                outcome = error.HttpRequestError.ToString();
            }
            catch (TaskCanceledException)
            {
                outcome = "timeout";
            }

            latencies?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            outcomes?.AddOrUpdate(outcome, 1, (_, count) => count + 1);
        }
    });
    await Task.WhenAll(clients);
}

Console.WriteLine($"load: {options.Clients} clients, {options.Duration.TotalSeconds:F0} s (after {options.WarmUp.TotalSeconds:F0} s warm-up), {options.ImagesPerRequest} image(s) per request, {images.Length} distinct images, {options.Url}{path}");
await RunClients(options.WarmUp, null, null);

var latencies = new ConcurrentBag<double>();
var outcomes = new ConcurrentDictionary<string, int>();
var rssStart = ResidentMemory.MiB(options.ServerPid);
double? rssMiddle = null;
var measured = Stopwatch.StartNew();
var load = RunClients(options.Duration, latencies, outcomes);
var samples = new List<double>();
while (!load.IsCompleted)
{
    await Task.WhenAny(load, Task.Delay(250));
    if (ResidentMemory.MiB(options.ServerPid) is { } rss)
    {
        samples.Add(rss);
        if (rssMiddle is null && measured.Elapsed >= options.Duration / 2)
        {
            rssMiddle = rss;
        }
    }
}

await load;
var elapsed = measured.Elapsed.TotalSeconds;
var rssEnd = ResidentMemory.MiB(options.ServerPid);
var sorted = latencies.Order().ToArray();
double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
var ok = outcomes.GetValueOrDefault("200");
var errors = sorted.Length - ok;

Console.WriteLine($"requests: {sorted.Length} in {elapsed:F1} s, {ok} answered 200, errors {errors}{(errors > 0 ? " (" + string.Join(", ", outcomes.Where(pair => pair.Key != "200").Select(pair => $"{pair.Key}: {pair.Value}")) + ")" : string.Empty)}");
Console.WriteLine($"throughput: {ok / elapsed:F1} requests/s, {ok * options.ImagesPerRequest / elapsed:F1} images/s");
Console.WriteLine($"latency ms: p50 {Percentile(0.50):F1}  p90 {Percentile(0.90):F1}  p99 {Percentile(0.99):F1}  max {sorted.LastOrDefault():F1}");
if (rssStart is not null)
{
    Console.WriteLine($"server RSS MiB: start {rssStart:F0}  middle {rssMiddle:F0}  end {rssEnd:F0}  max {samples.DefaultIfEmpty(0).Max():F0}");
}

return errors == 0 ? 0 : 1;
