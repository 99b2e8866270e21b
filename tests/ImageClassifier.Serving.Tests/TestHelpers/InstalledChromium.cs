using System.Diagnostics;

namespace ImageClassifier.Serving.Tests.TestHelpers;

/// <summary>
/// Debian's chromium, which the browser test drives through Playwright (whose own browser download
/// cannot work here). When it is missing and the tests run as root, tools/ci/install_chromium.sh
/// installs it with apt, as the repository's other installers do.
/// </summary>
internal static class InstalledChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";
    private const string Installer = "tools/ci/install_chromium.sh";

    private static readonly Lazy<string> Installed = new(Install);

    /// <summary>The browser's path, installing it first where it can.</summary>
    /// <exception cref="InvalidOperationException">It is missing and cannot be installed here; the message says how to.</exception>
    public static string Path => Installed.Value;

    private static string Install()
    {
        if (File.Exists(ExecutablePath))
        {
            return ExecutablePath;
        }

        var script = FindInstaller() ?? throw new InvalidOperationException($"{ExecutablePath} is missing and {Installer} was not found above {AppContext.BaseDirectory}.");
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium with 'sudo bash {script}'.");
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{script} failed (exit code {process.ExitCode}): {output.Result} {error}");
        }

        return ExecutablePath;
    }

    private static string? FindInstaller()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = System.IO.Path.Combine(folder.FullName, Installer);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
