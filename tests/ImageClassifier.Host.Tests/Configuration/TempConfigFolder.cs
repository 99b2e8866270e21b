using System.Text;

namespace ImageClassifier.Hosting.Tests.Configuration;

/// <summary>A fresh folder per test for config files; deleted on dispose.</summary>
internal sealed class TempConfigFolder : IDisposable
{
    public TempConfigFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "icls-config-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes UTF-8 text (no BOM, line endings as given) and returns the full path.</summary>
    public string Write(string relativePath, string text) =>
        WriteBytes(relativePath, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));

    public string WriteBytes(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string PathOf(string relativePath) => Path.GetFullPath(Path.Combine(Root, relativePath));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
