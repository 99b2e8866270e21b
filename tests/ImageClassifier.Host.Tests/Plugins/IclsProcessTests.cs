using System.Diagnostics;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Tests.TestHelpers;
using static ImageClassifier.Hosting.Tests.Plugins.PluginSandbox;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>The real <c>icls</c> executable in a process of its own, finding plugins through --plugins, ICLS_PLUGINS and ./plugins.</summary>
public sealed class IclsProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Icls_plugins_reports_plugins_from_the_option_and_the_environment()
    {
        var fromOption = _sandbox.Folder("option");
        var fromVariable = _sandbox.Folder("variable");
        AddPlugin(fromOption, Good);
        AddPlugin(fromVariable, WrongAbstractions);

        var (exitCode, stdout, stderr) = await Icls(_sandbox.Root, fromVariable, "plugins", "--plugins", fromOption);

        Assert.True(exitCode == ExitCodes.Failure, $"exit code {exitCode}; stderr: {stderr}; stdout: {stdout}");
        Assert.Contains($"{fromOption} (--plugins)", stdout);
        Assert.Contains($"{fromVariable} (ICLS_PLUGINS)", stdout);
        Assert.Matches(@"GoodPlugin\s+│\s+loaded\s+│\s+1\.0\.0\.0\s+│\s+2\s", stdout);
        Assert.Matches(@"WrongAbstractionsPlugin\s+│\s+failed", stdout);
        Assert.Contains("2 plugins: 1 loaded, 1 failed.", stdout);
        Assert.Contains(
            "[compatibility] plugin 'WrongAbstractionsPlugin' was built against ImageClassifier.Abstractions 2.0.0; this host has 1.0.0.",
            stdout);
    }

    [Fact]
    public async Task Icls_plugins_loads_the_plugins_folder_of_the_current_directory()
    {
        var working = _sandbox.Folder("project");
        AddPlugin(_sandbox.Folder(Path.Combine("project", "plugins")), Good);

        var (exitCode, stdout, stderr) = await Icls(working, variable: null, "plugins");

        Assert.True(exitCode == ExitCodes.Ok, $"exit code {exitCode}; stderr: {stderr}; stdout: {stdout}");
        Assert.Contains($"{Path.Combine(working, "plugins")} (./plugins)", stdout);
        Assert.Matches(@"GoodPlugin\s+│\s+loaded", stdout);
    }

    private static async Task<(int ExitCode, string Output, string Error)> Icls(string workingDirectory, string? variable, params string[] arguments)
    {
        var start = IclsProcess.StartInfo(arguments);
        start.WorkingDirectory = workingDirectory;
        if (variable is not null)
        {
            start.Environment[HostOptions.PluginPathVariable] = variable;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output, await error);
    }
}
