using ImageClassifier.Serving.Batching;
using ImageClassifier.Serving.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageClassifier.Serving.Endpoints;

/// <summary>
/// <c>GET /health</c>: the app's health checks (the served model's among them) and the batcher's
/// counters; 503 when unhealthy, so that a load balancer takes the instance out.
/// </summary>
internal static class HealthEndpoint
{
    public static async Task<IResult> HandleAsync(HealthCheckService checks, ClassificationBatcher batcher, CancellationToken cancellation)
    {
        var report = await checks.CheckHealthAsync(cancellation).ConfigureAwait(false);
        var health = new HealthJson(
            report.Status.ToString(),
            batcher.Queued,
            batcher.Options.QueueCapacity,
            batcher.IsServing ? batcher.Options.PoolSize : 0,
            batcher.Batches,
            batcher.Images,
            batcher.Rejected);
        return TypedResults.Json(health, statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}
