using System.Diagnostics;

namespace ImageClassifier.Hosting.Tests.TestHelpers;

/// <summary>The real <c>icls</c> (the icls.dll beside the tests) run in a process of its own, as a user runs it.</summary>
public static class IclsProcess
{
    /// <summary>
    /// dotnet icls.dll ARGUMENTS with stdout and stderr redirected. Without <paramref name="environment"/>
    /// the child inherits the tests' environment less ICLS_PLUGINS; with it, each entry is set, and a
    /// null value removes the variable.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "icls.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?> { [HostOptions.PluginPathVariable] = null })
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return start;
    }

    /// <summary>
    /// Runs icls with <paramref name="arguments"/> and returns its exit code and everything it wrote
    /// (<paramref name="environment"/> as in <see cref="StartInfo"/>); a run longer than
    /// <paramref name="timeout"/> is killed and fails.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> Run(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout,
        string? workingDirectory = null)
    {
        var start = StartInfo(arguments, environment, workingDirectory);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"icls {string.Join(' ', start.ArgumentList.Skip(1))} did not finish within {timeout.TotalSeconds} s.");
        }

        return (process.ExitCode, await output, await error);
    }
}
