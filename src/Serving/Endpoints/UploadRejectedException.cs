namespace ImageClassifier.Serving.Endpoints;

/// <summary>A request the server refuses, with the HTTP status and the message the client gets.</summary>
internal sealed class UploadRejectedException(int statusCode, string message, string? source = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The upload (file or part name) the problem is with, when it is with one.</summary>
    public string? Upload { get; } = source;
}
