using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageClassifier.Serving.Batching;

/// <summary>
/// The server's health for <c>GET /health</c> (and any health-check endpoint of a host app):
/// healthy while the pool serves, degraded while the queue is full (new requests get 429),
/// unhealthy before start and after stop.
/// </summary>
internal sealed class ServingHealthCheck(ClassificationBatcher batcher) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = !batcher.IsServing
            ? HealthCheckResult.Unhealthy("The model is not serving (starting or stopping).")
            : batcher.Queued >= batcher.Options.QueueCapacity
                ? HealthCheckResult.Degraded($"The queue is full ({batcher.Queued} of {batcher.Options.QueueCapacity}); new requests are answered 429.")
                : HealthCheckResult.Healthy($"{batcher.Queued} of {batcher.Options.QueueCapacity} queue slots taken.");
        return Task.FromResult(result);
    }
}
