using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageClassifier.Serving.Tests.TestHelpers;

/// <summary>A real Kestrel server on 127.0.0.1 with a free port, serving a model as a host app would, and a client for it.</summary>
internal sealed class ServingApp : IAsyncDisposable
{
    private readonly WebApplication app;

    private ServingApp(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<ServingApp> StartAsync(ServedModel model, Action<ServingOptions>? configure = null, string prefix = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddImageClassifierServing(model, configure);
        var app = builder.Build();
        app.MapImageClassifier(prefix);
        await app.StartAsync();
        var root = new Uri(app.Urls.First());
        return new ServingApp(app, new Uri(root, prefix.TrimEnd('/') + "/"));
    }

    public static ServedModel Fake(FakeInferencer inferencer) =>
        new() { Name = "fake", CreateInferencer = () => inferencer, Runtime = "fake", InputSize = [12, 10] };

    /// <summary>POST predict with each (name, bytes) as a file part of one multipart body.</summary>
    public Task<HttpResponseMessage> PostFilesAsync(string query, params (string Name, byte[] Data)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, data) in files)
        {
            var part = new ByteArrayContent(data);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "image", name);
        }

        return Client.PostAsync("predict" + query, form);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
