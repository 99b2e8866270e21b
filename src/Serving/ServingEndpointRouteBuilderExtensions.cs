using ImageClassifier.Serving.Contracts;
using ImageClassifier.Serving.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ImageClassifier.Serving;

/// <summary>Maps a served model's endpoints into a host app.</summary>
public static class ServingEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST /predict</c>, <c>GET /models</c>, <c>GET /health</c>, <c>/openapi/v1.json</c> and
    /// the web page at <c>/</c>, under <paramref name="prefix"/>. Needs
    /// <see cref="ServingServiceCollectionExtensions.AddImageClassifierServing"/> first.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">Where the endpoints go, such as "/classifier"; empty for the root.</param>
    /// <returns>The group, for more conventions (authorization, rate limits, CORS).</returns>
    public static RouteGroupBuilder MapImageClassifier(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var group = endpoints.MapGroup(prefix);
        group.WithTags("ImageClassifier");
        group.MapPost("/predict", PredictEndpoint.HandleAsync)
            .WithName("Predict")
            .WithSummary("Classify images")
            .WithDescription("Send one image as the raw body (any content type but multipart), or several as the parts of a multipart/form-data body. Query: topk (classes per image), name (a raw body's name in the answer). Requests from all clients are batched together.")
            .AddOpenApiOperationTransformer(PredictRequestBody.DescribeAsync)
            .Produces<PredictResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        group.MapGet("/models", ModelsEndpoint.Handle)
            .WithName("Models")
            .WithSummary("The served model: its classes, input channels and size, and how it is batched");
        group.MapGet("/health", HealthEndpoint.HandleAsync)
            .WithName("Health")
            .WithSummary("Healthy, Degraded (queue full) or Unhealthy (not serving, answered 503), with the queue's counters")
            .Produces<HealthJson>()
            .Produces<HealthJson>(StatusCodes.Status503ServiceUnavailable);
        group.MapOpenApi();
        WebPageEndpoints.Map(group);
        return group;
    }
}
