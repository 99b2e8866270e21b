using System.Diagnostics;
using ImageClassifier.Cli.Commands;
using static ImageClassifier.Hosting.Tests.Plugins.PluginSandbox;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>The real <c>icls</c> executable in a process of its own, finding plugins through --plugins and ICLS_PLUGINS.</summary>
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

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "icls.dll"), "plugins", "--plugins", fromOption },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { [HostOptions.PluginPathVariable] = fromVariable },
        };

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(cancel.Token);

        var stdout = await output;
        Assert.True(process.ExitCode == ExitCodes.Failure, $"exit code {process.ExitCode}; stderr: {await error}; stdout: {stdout}");
        Assert.Contains($"{fromOption} (--plugins)", stdout);
        Assert.Contains($"{fromVariable} (ICLS_PLUGINS)", stdout);
        Assert.Matches(@"GoodPlugin\s+│\s+loaded\s+│\s+1\.0\.0\.0\s+│\s+2\s", stdout);
        Assert.Matches(@"WrongAbstractionsPlugin\s+│\s+failed", stdout);
        Assert.Contains("2 plugins: 1 loaded, 1 failed.", stdout);
        Assert.Contains(
            "[compatibility] plugin 'WrongAbstractionsPlugin' was built against ImageClassifier.Abstractions 2.0.0; this host has 1.0.0.",
            stdout);
    }
}
