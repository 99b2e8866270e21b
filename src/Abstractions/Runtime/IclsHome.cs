namespace ImageClassifier.Runtime;

/// <summary>
/// The folder for icls's per-user files (the convolution check's verdicts, downloaded checkpoints):
/// <c>ICLS_HOME</c>, else <c>$XDG_CACHE_HOME/icls</c>, else <c>~/.cache/icls</c>.
/// </summary>
public static class IclsHome
{
    /// <summary>The environment variable that names the folder.</summary>
    public const string Variable = "ICLS_HOME";

    /// <summary>The folder, or null when neither the variables nor a home folder name one.</summary>
    public static string? Resolve()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } home)
        {
            return home;
        }

        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } profile ? Path.Combine(profile, ".cache") : null;
        return cache is null ? null : Path.Combine(cache, "icls");
    }
}
