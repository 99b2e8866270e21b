using System.Text;

namespace ImageClassifier.Generators;

/// <summary>A small indenting text writer for generated C#.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder builder = new();
    private int indent;

    /// <summary>Writes one line at the current indentation (an empty line stays empty).</summary>
    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (var level = 0; level < indent; level++)
            {
                builder.Append(IndentUnit);
            }

            builder.Append(text);
        }

        builder.Append('\n');
        return this;
    }

    /// <summary>Writes "{" and indents.</summary>
    public SourceWriter Open(string opener = "{")
    {
        Line(opener);
        indent++;
        return this;
    }

    /// <summary>Unindents and writes "}" (or <paramref name="closer"/>).</summary>
    public SourceWriter Close(string closer = "}")
    {
        indent--;
        return Line(closer);
    }

    public override string ToString() => builder.ToString();
}
