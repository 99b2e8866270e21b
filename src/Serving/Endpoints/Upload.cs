namespace ImageClassifier.Serving.Endpoints;

/// <summary>One uploaded file: its name (the multipart file name, part name or <c>?name=</c>) and encoded bytes.</summary>
internal sealed record Upload(string Name, byte[] Data);
