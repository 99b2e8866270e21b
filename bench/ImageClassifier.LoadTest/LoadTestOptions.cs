using System.Globalization;

namespace ImageClassifier.LoadTest;

/// <summary>The load client's command line.</summary>
internal sealed record LoadTestOptions(Uri Url, int Clients, TimeSpan Duration, TimeSpan WarmUp, string Images, int Topk, int? ServerPid, int ImagesPerRequest)
{
    public const string Usage = "usage: icls-loadtest --url URL --images DIR [--clients N] [--seconds S] [--warmup-seconds S] [--topk K] [--images-per-request N] [--server-pid PID]";

    /// <exception cref="ArgumentException">An option is unknown, missing or not a number.</exception>
    public static LoadTestOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 0; index < args.Count; index += 2)
        {
            if (!args[index].StartsWith("--", StringComparison.Ordinal) || index + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--option value' pairs; got '{args[index]}'.");
            }

            values[args[index]] = args[index + 1];
        }

        string Required(string name) => values.Remove(name, out var value) ? value : throw new ArgumentException($"{name} is required.");
        int Number(string name, int fallback)
        {
            if (!values.Remove(name, out var text))
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
                ? number
                : throw new ArgumentException($"{name} takes a whole number above 0; got '{text}'.");
        }

        var url = new Uri(Required("--url").TrimEnd('/') + "/");
        var images = Required("--images");
        var options = new LoadTestOptions(
            url,
            Number("--clients", 16),
            TimeSpan.FromSeconds(Number("--seconds", 20)),
            TimeSpan.FromSeconds(Number("--warmup-seconds", 3)),
            images,
            Number("--topk", 5),
            values.ContainsKey("--server-pid") ? Number("--server-pid", 0) : null,
            Number("--images-per-request", 1));
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option {values.Keys.First()}.");
        }

        return options;
    }
}
