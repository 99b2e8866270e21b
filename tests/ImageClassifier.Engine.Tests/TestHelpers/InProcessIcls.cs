using ImageClassifier.Hosting.Commands;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>Runs the icls command line in this process, over the tiny experiment's catalog.</summary>
public static class InProcessIcls
{
    public static (int ExitCode, string Output, string Error) Icls(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = CommandLineApp.Run(args, output, error, () => TinyExperiment.Catalog);
        return (exitCode, output.ToString(), error.ToString());
    }
}
