using System.Diagnostics;

namespace ImageClassifier.Hosting.Tests.TestHelpers;

/// <summary>How tests start the real <c>icls</c> (the icls.dll beside the test binaries) in a process of its own.</summary>
public static class IclsProcess
{
    /// <summary>dotnet icls.dll ARGUMENTS with stdout and stderr redirected; ICLS_PLUGINS is left out of its environment.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "icls.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove(HostOptions.PluginPathVariable);
        return start;
    }
}
