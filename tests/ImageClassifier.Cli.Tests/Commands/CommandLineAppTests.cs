using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Tests.TestComponents;
using ImageClassifier.Hosting.Tests.TestHelpers;

namespace ImageClassifier.Cli.Tests.Commands;

public sealed class CommandLineAppTests
{
    [Fact]
    public void No_command_is_bad_usage()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog());

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("error: Required command was not provided. Run 'icls --help' for usage.", run.Error.Trim());
    }

    [Fact]
    public void An_unknown_command_is_bad_usage_with_a_suggestion()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "lst-models");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("error: 'lst-models' is not an icls command or option. Did you mean 'list-models'? Run 'icls --help' for usage.", run.Error.Trim());
    }

    [Fact]
    public void An_unknown_option_is_bad_usage()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "list-models", "--colour");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("'--colour'", run.Error);
        Assert.Contains("Run 'icls list-models --help' for usage.", run.Error);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void Help_succeeds_and_lists_the_commands()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("list-models", run.Output);
        Assert.Contains("describe", run.Output);
    }

    [Fact]
    public void A_failing_catalog_is_a_runtime_failure_reported_in_one_paragraph()
    {
        var run = CliRun.Invoke(Broken, "list-models");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal(
            "error: the plugin folder is unreadable (InvalidOperationException; run again with --verbose for the stack trace)",
            run.Error.Trim());
    }

    [Fact]
    public void A_failing_catalog_shows_its_stack_trace_with_verbose()
    {
        var run = CliRun.Invoke(Broken, "--verbose", "describe", "TinyNet");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.StartsWith("error: the plugin folder is unreadable (InvalidOperationException)", run.Error);
        Assert.Contains("System.InvalidOperationException: the plugin folder is unreadable", run.Error);
        Assert.Contains(" at ", run.Error);
    }

    [Fact]
    public void A_duplicate_at_start_up_is_a_runtime_failure()
    {
        var run = CliRun.Invoke(
            () =>
            {
                var catalog = CliRun.SampleCatalog();
                catalog.Register(TestDescriptors.Backbone("TinyNet", componentType: typeof(object)), "my-plugin");
                return catalog;
            },
            "list-models");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.StartsWith("error: Duplicate backbone 'TinyNet':", run.Error);
        Assert.DoesNotContain(" at ", run.Error.Split("Rename")[1]);
    }

    private static ComponentCatalog Broken() => throw new InvalidOperationException("the plugin folder is unreadable");
}
