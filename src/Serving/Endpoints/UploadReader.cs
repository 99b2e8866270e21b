using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ImageClassifier.Serving.Endpoints;

/// <summary>
/// Reads a <c>POST /predict</c> body into uploads: each part of a <c>multipart/form-data</c> body
/// is one image, named by its file name (else its field name); any other body is one image, named
/// by <c>?name=</c> (else "body"). Never reads more than <see cref="ServingOptions.MaxRequestBytes"/>.
/// </summary>
internal static class UploadReader
{
    public const string DefaultRawName = "body";

    /// <exception cref="UploadRejectedException">413 for a body or image count over the limits, 400 for a body that is not what it says.</exception>
    public static async Task<IReadOnlyList<Upload>> ReadAsync(HttpRequest request, ServingOptions options, CancellationToken cancellation)
    {
        var body = await ReadBodyAsync(request, options.MaxRequestBytes, cancellation).ConfigureAwait(false);
        var uploads = IsMultipart(request.ContentType, out var boundary)
            ? await ReadPartsAsync(body, boundary, options.MaxImagesPerRequest, cancellation).ConfigureAwait(false)
            : [new Upload(RawName(request), body.ToArray())];
        if (uploads.Count == 0)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, "The request holds no image: send one image as the body, or images as the parts of a multipart/form-data body.");
        }

        if (uploads.FirstOrDefault(upload => upload.Data.Length == 0) is { } empty)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, $"'{empty.Name}' is empty; expected a PNG, JPEG, BMP, WebP or GIF image.", empty.Name);
        }

        return uploads;
    }

    /// <summary>A declared length over the limit, refused before any of the body is read.</summary>
    public static UploadRejectedException? CheckDeclaredLength(HttpRequest request, ServingOptions options) =>
        request.ContentLength > options.MaxRequestBytes ? TooLarge(request.ContentLength.Value, options.MaxRequestBytes) : null;

    private static async Task<MemoryStream> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellation)
    {
        // Kestrel enforces its own limit (30 MB by default) per request; ours replaces it, and is
        // also counted here for servers that enforce none (the test server, IIS in-process).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        var body = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > limit)
                {
                    throw TooLarge(null, limit);
                }

                body.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(null, limit);
        }

        body.Position = 0;
        return body;
    }

    private static async Task<List<Upload>> ReadPartsAsync(MemoryStream body, string boundary, int maxImages, CancellationToken cancellation)
    {
        var reader = new MultipartReader(boundary, body);
        var uploads = new List<Upload>();
        try
        {
            while (await reader.ReadNextSectionAsync(cancellation).ConfigureAwait(false) is { } section)
            {
                if (uploads.Count == maxImages)
                {
                    throw new UploadRejectedException(StatusCodes.Status413PayloadTooLarge, $"The request holds more than {maxImages} images, the most one request may carry; send the rest in another request.");
                }

                var name = PartName(section, uploads.Count);
                using var data = new MemoryStream();
                await section.Body.CopyToAsync(data, cancellation).ConfigureAwait(false);
                uploads.Add(new Upload(name, data.ToArray()));
            }
        }
        catch (IOException error)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, $"The multipart/form-data body cannot be read ({error.Message}); expected one image per part.");
        }

        return uploads;
    }

    private static string PartName(MultipartSection section, int index)
    {
        if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
        {
            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName);
            if (fileName.HasValue && fileName.Length > 0)
            {
                return fileName.Value!;
            }

            var fieldName = HeaderUtilities.RemoveQuotes(disposition.Name);
            if (fieldName.HasValue && fieldName.Length > 0)
            {
                return fieldName.Value!;
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"part[{index}]");
    }

    private static bool IsMultipart(string? contentType, out string boundary)
    {
        boundary = string.Empty;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var value = HeaderUtilities.RemoveQuotes(mediaType.Boundary);
        if (!value.HasValue || value.Length == 0)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, "The multipart/form-data body has no boundary in its Content-Type.");
        }

        boundary = value.Value!;
        return true;
    }

    private static string RawName(HttpRequest request) =>
        request.Query["name"].FirstOrDefault() is { Length: > 0 } name ? name : DefaultRawName;

    private static UploadRejectedException TooLarge(long? length, long limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        length is { } declared
            ? string.Create(CultureInfo.InvariantCulture, $"The request body is {declared:N0} bytes; this server takes at most {limit:N0} bytes per request.")
            : string.Create(CultureInfo.InvariantCulture, $"The request body is more than {limit:N0} bytes, the most this server takes per request."));
}
