using ImageClassifier.Data.Loading;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Onnx;

namespace ImageClassifier.Cli.Commands;

/// <summary>How a failure becomes an exit code and one paragraph on stderr.</summary>
internal static class CommandErrors
{
    /// <summary><see cref="ExitCodes.BadInput"/> for what the user asked wrongly, else <see cref="ExitCodes.Failure"/>.</summary>
    public static int ExitCodeFor(Exception exception) => exception switch
    {
        ComponentNotFoundException or AmbiguousComponentException or UnknownComponentKindException => ExitCodes.BadInput,

        // A checkpoint that does not fit the model, or data labelled beyond the model's classes: the input is wrong, not the run.
        StateDictLoadException or LabelOutOfRangeException => ExitCodes.BadInput,

        // A model with a module that has no ONNX export, or an input size the pipeline leaves open.
        OnnxExportException => ExitCodes.BadInput,
        _ => ExitCodes.Failure,
    };

    /// <summary>
    /// Writes "error: ..." as one paragraph; the stack trace follows only when
    /// <paramref name="verbose"/>. Returns the exit code.
    /// </summary>
    public static int Report(TextWriter error, Exception exception, bool verbose)
    {
        var message = OneParagraph(verbose ? exception.Message : WithoutNativeFrames(exception.Message));
        if (exception is not CatalogException)
        {
            // An unexpected failure: its type helps, and so does knowing where to find more.
            message = verbose
                ? $"{message} ({exception.GetType().Name})"
                : $"{message} ({exception.GetType().Name}; run again with --verbose for the stack trace)";
        }

        error.WriteLine($"error: {message}");
        if (verbose)
        {
            error.WriteLine();
            error.WriteLine(exception.ToString());
        }

        return ExitCodeFor(exception);
    }

    /// <summary>Writes parse errors as one paragraph with where to find the usage; returns <see cref="ExitCodes.BadInput"/>.</summary>
    public static int ReportUsage(TextWriter error, IEnumerable<string> problems, string helpCommand)
    {
        var text = string.Join(" ", problems.Select(OneParagraph).Select(problem => problem.EndsWith('.') || problem.EndsWith('?') ? problem : problem + "."));
        error.WriteLine($"error: {text} Run '{helpCommand}' for usage.");
        return ExitCodes.BadInput;
    }

    private static string OneParagraph(string text) =>
        string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>libtorch's messages end in C++ frames ("frame #0: c10::..."); they help only with --verbose.</summary>
    private static string WithoutNativeFrames(string message)
    {
        var cut = message.IndexOf("frame #0", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        }

        return cut > 0 ? message[..cut].TrimEnd() : message;
    }
}
