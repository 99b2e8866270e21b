using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ImageClassifier.Serving.Endpoints;

/// <summary>
/// The web page: <c>/</c>, <c>/index.js</c> and <c>/index.css</c>, embedded in this assembly. The
/// page's base address is where it is served, so it works under a host app's route prefix too.
/// </summary>
internal static class WebPageEndpoints
{
    private const string BasePlaceholder = "{{base}}";
    private static readonly Lazy<string> Page = new(() => Read("index.html"));
    private static readonly Lazy<string> Script = new(() => Read("index.js"));
    private static readonly Lazy<string> Styles = new(() => Read("index.css"));

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext context) =>
        {
            var path = (context.Request.PathBase + context.Request.Path).Value ?? string.Empty;
            var basePath = path.TrimEnd('/') + "/";
            return Results.Content(Page.Value.Replace(BasePlaceholder, System.Net.WebUtility.HtmlEncode(basePath), StringComparison.Ordinal), "text/html; charset=utf-8", Encoding.UTF8);
        }).ExcludeFromDescription();
        endpoints.MapGet("/index.js", () => Results.Content(Script.Value, "text/javascript; charset=utf-8", Encoding.UTF8)).ExcludeFromDescription();
        endpoints.MapGet("/index.css", () => Results.Content(Styles.Value, "text/css; charset=utf-8", Encoding.UTF8)).ExcludeFromDescription();
    }

    private static string Read(string file)
    {
        var name = $"ImageClassifier.Serving.WebPage.{file}";
        using var stream = typeof(WebPageEndpoints).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The web page resource '{name}' is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
