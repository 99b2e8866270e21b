using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ImageClassifier.Serving.Endpoints;

/// <summary>
/// The OpenAPI description of <c>POST /predict</c>'s body. The handler reads the body itself, so it
/// is described here rather than by accepts-metadata, which would make routing answer 415 to any
/// content type not listed (curl's default for --data-binary among them).
/// </summary>
internal static class PredictRequestBody
{
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "Images as the parts of a multipart/form-data body (each named by its file name), or one image as the raw body of any other content type.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = binary } },
                ["application/octet-stream"] = new() { Schema = binary },
            },
        };
        return Task.CompletedTask;
    }
}
