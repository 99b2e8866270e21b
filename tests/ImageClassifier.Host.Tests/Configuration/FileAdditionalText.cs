using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ImageClassifier.Hosting.Tests.Configuration;

/// <summary>A file on disk handed to analyzers as <c>&lt;AdditionalFiles&gt;</c>, decoded as the compiler decodes it (UTF-8, byte order mark dropped).</summary>
internal sealed class FileAdditionalText(string path) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default)
    {
        using var stream = File.OpenRead(Path);
        return SourceText.From(stream);
    }
}
