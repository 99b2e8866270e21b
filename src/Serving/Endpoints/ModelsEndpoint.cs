using ImageClassifier.Serving.Batching;
using ImageClassifier.Serving.Contracts;

namespace ImageClassifier.Serving.Endpoints;

/// <summary><c>GET /models</c>: what is loaded, its classes and input size, and how it is served.</summary>
internal static class ModelsEndpoint
{
    public static ModelsResponse Handle(ClassificationBatcher batcher)
    {
        var model = batcher.Model;
        var options = batcher.Options;
        return new ModelsResponse(
        [
            new ModelJson(
                model.Name,
                model.Runtime,
                batcher.NumClasses,
                batcher.Classes,
                batcher.Channels,
                model.InputSize,
                Math.Min(options.DefaultTopk, batcher.NumClasses),
                options.PoolSize,
                options.MaxBatchSize),
        ]);
    }
}
