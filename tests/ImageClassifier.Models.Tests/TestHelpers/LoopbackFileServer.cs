using System.Net;
using System.Net.Sockets;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// An HTTP server on 127.0.0.1 serving byte arrays by path, with single-range requests
/// (<c>Range: bytes=N-</c>) answered 206 as a CDN does, and a log of what was asked.
/// </summary>
internal sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);
    private readonly Task serving;

    public LoopbackFileServer()
    {
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(BaseUrl);
        listener.Start();
        serving = Task.Run(Serve);
    }

    public string BaseUrl { get; }

    /// <summary>Each request as "path" or "path from N" for a range request.</summary>
    public List<string> Requests { get; } = [];

    public string Add(string name, byte[] content)
    {
        lock (files)
        {
            files["/" + name] = content;
        }

        return BaseUrl + name;
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener stopping ends the loop with an exception; nothing to report.
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private void Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = listener.GetContext();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var response = context.Response;
            var path = context.Request.Url!.AbsolutePath;
            var range = context.Request.Headers["Range"];
            byte[]? content;
            lock (files)
            {
                Requests.Add(range is null ? path : $"{path} from {range["bytes=".Length..].TrimEnd('-')}");
                files.TryGetValue(path, out content);
            }

            if (content is null)
            {
                response.StatusCode = 404;
                continue;
            }

            var start = range is null ? 0 : long.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
            if (start >= content.Length)
            {
                response.StatusCode = 416;
                continue;
            }

            response.StatusCode = range is null ? 200 : 206;
            response.ContentLength64 = content.Length - start;
            response.OutputStream.Write(content, (int)start, (int)(content.Length - start));
        }
    }
}
