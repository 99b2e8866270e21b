using System.Globalization;
using ImageClassifier.Data;
using ImageClassifier.Data.Images;
using ImageClassifier.Serving.Batching;
using ImageClassifier.Serving.Contracts;
using Microsoft.AspNetCore.Http;

namespace ImageClassifier.Serving.Endpoints;

/// <summary>
/// <c>POST /predict[?topk=K][&amp;name=N]</c>: takes a queue slot (429 when none is free), reads and
/// decodes the uploads (413 over the limits, 400 naming the upload that is not an image), queues
/// them for the next batch and answers their predictions in order.
/// </summary>
internal static class PredictEndpoint
{
    /// <summary>Seconds a refused client is asked to wait: a batch takes well under that.</summary>
    public const int RetryAfterSeconds = 1;

    public static async Task<IResult> HandleAsync(HttpContext context, ClassificationBatcher batcher)
    {
        if (!batcher.IsServing)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "The model is not serving yet, or the server is stopping.");
        }

        var request = context.Request;
        if (ReadTopk(request, batcher) is not { } topk)
        {
            return Problem(StatusCodes.Status400BadRequest, $"topk must be a whole number from 1 to {batcher.NumClasses}, the model's class count; got '{request.Query["topk"]}'.");
        }

        if (UploadReader.CheckDeclaredLength(request, batcher.Options) is { } tooLarge)
        {
            return Problem(tooLarge);
        }

        using var slot = batcher.TryTakeSlot();
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status429TooManyRequests, $"The server is busy: all {batcher.Options.QueueCapacity} queue places are taken. Retry after {RetryAfterSeconds} s.");
        }

        List<ImageData> images;
        IReadOnlyList<Upload> uploads;
        try
        {
            uploads = await UploadReader.ReadAsync(request, batcher.Options, context.RequestAborted).ConfigureAwait(false);
            images = Decode(uploads, batcher.Channels == 1 ? ColorType.Grayscale : ColorType.Color, batcher.Options.ImageLimits);
        }
        catch (UploadRejectedException rejected)
        {
            return Problem(rejected);
        }

        try
        {
            var results = await slot.ClassifyAsync(images, [.. uploads.Select(upload => upload.Name)], topk, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(new PredictResponse(batcher.Model.Name, [.. results.Select(PredictionJson.From)]));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client has gone; nobody reads the answer.
            return TypedResults.Empty;
        }
        catch (InvalidOperationException stopping) when (!batcher.IsServing)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, stopping.Message);
        }
        catch (Exception error)
        {
            return Problem(StatusCodes.Status500InternalServerError, $"Classification failed: {error.Message}");
        }
    }

    private static int? ReadTopk(HttpRequest request, ClassificationBatcher batcher)
    {
        var text = request.Query["topk"].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return Math.Min(batcher.Options.DefaultTopk, batcher.NumClasses);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var topk) && topk >= 1 && topk <= batcher.NumClasses ? topk : null;
    }

    private static List<ImageData> Decode(IReadOnlyList<Upload> uploads, ColorType colorType, ImageDecodeOptions limits)
    {
        var images = new List<ImageData>(uploads.Count);
        foreach (var upload in uploads)
        {
            try
            {
                images.Add(ImageCodec.Decode(upload.Data, upload.Name, colorType, limits));
            }
            catch (DataFormatException error)
            {
                throw new UploadRejectedException(StatusCodes.Status400BadRequest, error.Message, upload.Name);
            }
        }

        return images;
    }

    private static IResult Problem(UploadRejectedException rejected) =>
        Problem(rejected.StatusCode, rejected.Message, rejected.Upload);

    private static IResult Problem(int statusCode, string detail, string? source = null) =>
        TypedResults.Problem(detail: detail, statusCode: statusCode, extensions: source is null ? null : new Dictionary<string, object?> { ["source"] = source });
}
