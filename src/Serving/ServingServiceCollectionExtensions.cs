using ImageClassifier.Serving.Batching;
using Microsoft.Extensions.DependencyInjection;

namespace ImageClassifier.Serving;

/// <summary>Adds a served model to a host app's services.</summary>
public static class ServingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="ClassificationBatcher"/> for <paramref name="model"/> (a hosted service: the
    /// app's start loads the pool, its stop drains the queue), its health check, and the OpenAPI
    /// document. Map the endpoints with <see cref="ServingEndpointRouteBuilderExtensions.MapImageClassifier"/>.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="model">The model to serve.</param>
    /// <param name="configure">Changes the <see cref="ServingOptions"/> defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public static IServiceCollection AddImageClassifierServing(this IServiceCollection services, ServedModel model, Action<ServingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(model);
        var options = new ServingOptions();
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(_ => new ClassificationBatcher(model, options));
        services.AddHostedService(provider => provider.GetRequiredService<ClassificationBatcher>());
        services.AddHealthChecks().AddCheck<ServingHealthCheck>("image-classifier");
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = $"ImageClassifier: {model.Name}";
            document.Info.Description = "Classifies images with the served model; requests from all clients are batched together.";
            return Task.CompletedTask;
        }));
        return services;
    }
}
