using System.Diagnostics;

namespace ImageClassifier.Engine.Logging;

/// <summary>
/// The live progress of a loop. On a terminal one line is rewritten in place (a carriage return,
/// at most five times a second); elsewhere (a file, a pipe, CI) rewriting would pile up in the
/// output, so a whole line is written only when the caller asks (at the logger's interval).
/// Other output goes through <see cref="WriteLine"/>, which clears the live line first.
/// </summary>
public sealed class ProgressLine
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(200);
    private readonly TextWriter output;
    private readonly bool live;
    private readonly Stopwatch sinceRefresh = Stopwatch.StartNew();
    private int shownLength;

    /// <summary>Creates the line over <paramref name="output"/>; <paramref name="isTerminal"/> picks the live form.</summary>
    public ProgressLine(TextWriter output, bool isTerminal)
    {
        this.output = output;
        live = isTerminal;
    }

    /// <summary>
    /// Whether <see cref="Update"/> would show a line now (a terminal, and the last refresh long
    /// enough ago): callers make the text only then, so a loop allocates nothing for lines no one sees.
    /// </summary>
    public bool WantsUpdate => live && sinceRefresh.Elapsed >= RefreshInterval;

    /// <summary>Shows <paramref name="text"/> as the live line (a terminal only; throttled unless <paramref name="force"/>).</summary>
    public void Update(string text, bool force = false)
    {
        if (!live || (!force && sinceRefresh.Elapsed < RefreshInterval))
        {
            return;
        }

        sinceRefresh.Restart();
        var padded = text.Length < shownLength ? text + new string(' ', shownLength - text.Length) : text;
        output.Write('\r' + padded);
        output.Flush();
        shownLength = text.Length;
    }

    /// <summary>Writes a whole line, clearing the live line first.</summary>
    public void WriteLine(string text)
    {
        Clear();
        output.WriteLine(text);
        output.Flush();
    }

    /// <summary>
    /// A text bar of <paramref name="width"/> cells for <paramref name="done"/> of <paramref name="total"/>,
    /// e.g. <c>[=======>            ]</c>. Plain ASCII, so it survives any terminal encoding and log file.
    /// </summary>
    public static string Bar(long done, long total, int width = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var fraction = total <= 0 ? 0 : Math.Clamp((double)done / total, 0, 1);
        var filled = (int)Math.Floor(fraction * width);
        var body = filled == width
            ? new string('=', width)
            : new string('=', filled) + '>' + new string(' ', width - filled - 1);
        return '[' + body + ']';
    }

    /// <summary>Removes the live line.</summary>
    public void Clear()
    {
        if (live && shownLength > 0)
        {
            output.Write('\r' + new string(' ', shownLength) + '\r');
            shownLength = 0;
        }
    }
}
