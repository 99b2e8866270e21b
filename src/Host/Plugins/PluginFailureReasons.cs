using System.Reflection;
using ImageClassifier.Hosting.Catalog;

namespace ImageClassifier.Hosting.Plugins;

/// <summary>Turns what went wrong with a plugin into one paragraph that names the plugin and, where it can, the fix.</summary>
internal static class PluginFailureReasons
{
    /// <summary>The main assembly cannot be read as a .NET assembly.</summary>
    public static string Unreadable(string pluginName, string path, Exception exception) =>
        OneParagraph($"plugin '{pluginName}' cannot be read: '{path}' is not a readable .NET assembly ({Sentence(exception.Message)}). " +
            "Replace it with the plugin's build output, or remove it.");

    /// <summary>The main assembly could not be loaded into its context.</summary>
    public static string NotLoaded(string pluginName, string path, Exception exception) =>
        OneParagraph($"plugin '{pluginName}' could not be loaded from '{path}': {Describe(exception, path)}");

    /// <summary>The provider, a descriptor or the catalog refused; nothing of the plugin is registered.</summary>
    public static string NotRegistered(string pluginName, string path, Exception exception) =>
        OneParagraph($"plugin '{pluginName}' failed to register its components, so none of them is registered: {Describe(exception, path)}");

    /// <summary>The plugin's dependency closure is incomplete: one paragraph listing each problem (from the methods below).</summary>
    public static string UnresolvedDependencies(string pluginName, IReadOnlyList<string> problems) =>
        OneParagraph($"plugin '{pluginName}' cannot be loaded because of its dependencies: {string.Join("; ", problems)}. " +
            "Copy the plugin's whole build output into its folder, built against the assemblies this host shares.");

    /// <summary>Its <c>.deps.json</c> cannot be read.</summary>
    public static string ManifestUnreadable(string message) => $"its dependency manifest cannot be read ({Sentence(message)})";

    /// <summary>An assembly of the closure is in neither the plugin's folder, the host's shared assemblies nor the runtime.</summary>
    public static string DependencyMissing(string name, Version? wanted, string requiredBy, string path) =>
        $"it needs assembly '{name}'{(wanted is null ? string.Empty : " " + wanted)} ({requiredBy}), which is missing: " +
        $"'{path}' does not exist, and neither the host nor the .NET runtime provides it";

    /// <summary>The plugin's folder has an assembly of the closure at a lower version than referenced.</summary>
    public static string DependencyTooOld(string name, Version wanted, string requiredBy, string path, Version found) =>
        $"it needs assembly '{name}' {wanted} ({requiredBy}), but '{path}' is version {found}, which is older, " +
        "and .NET does not bind a reference to an older version";

    /// <summary>The host shares an assembly of the closure at a lower version than referenced; a plugin's own copy would not be used.</summary>
    public static string SharedDependencyTooOld(string name, Version wanted, string requiredBy, Version shared) =>
        $"it needs assembly '{name}' {wanted} ({requiredBy}), but the host shares '{name}' {shared} with its plugins, which is older, " +
        "and a plugin's own copy of a shared assembly is never loaded: build the plugin against the host's version";

    /// <summary>The runtime has an assembly of the closure at a lower version than referenced.</summary>
    public static string FrameworkDependencyTooOld(string name, Version wanted, string requiredBy, Version framework) =>
        $"it needs assembly '{name}' {wanted} ({requiredBy}), but the .NET runtime this host runs on has '{name}' {framework}, which is older";

    /// <summary>A file of the closure is not a .NET assembly.</summary>
    public static string DependencyUnreadable(string name, string requiredBy, string path, Exception exception) =>
        $"it needs assembly '{name}' ({requiredBy}), but '{path}' is not a readable .NET assembly ({Sentence(exception.Message)})";

    /// <summary>A file of the closure holds another assembly than its name says.</summary>
    public static string DependencyMisnamed(string name, string requiredBy, string path, string actual) =>
        $"it needs assembly '{name}' ({requiredBy}), but '{path}' holds assembly '{actual}'";

    /// <summary>A private assembly of the closure, found and checked from its file, could not be loaded into the plugin's context.</summary>
    public static string DependencyNotLoaded(string pluginName, PluginDependency dependency, Exception exception) =>
        OneParagraph($"plugin '{pluginName}' could not load its dependency '{dependency.Name}' {dependency.Version} from '{dependency.Path}' " +
            $"into its load context: {Sentence(exception.Message)} ({exception.GetType().Name}).");

    /// <summary>Another plugin of the same name came first.</summary>
    public static string Shadowed(string pluginName, PluginLoadResult first) =>
        $"plugin '{pluginName}' is skipped: a plugin of that name was already found at '{first.Path}' ({PluginDiscovery.Label(first.Directory.Source)}), " +
        "and plugin names are unique. Remove one of them, or rename its folder.";

    // Catalog messages are already written for people. A load failure deep inside a provider's
    // static initialiser arrives wrapped; what helps is the assembly or type that is missing.
    private static string Describe(Exception exception, string path)
    {
        if (ThrownByPluginCode(exception) is { } thrown)
        {
            return thrown;
        }

        var message = exception is CatalogException ? exception.Message : $"{exception.Message} ({exception.GetType().Name})";
        var cause = RootLoadFailure(exception);
        if (cause is null || (ReferenceEquals(cause, exception) && cause is not FileNotFoundException))
        {
            return message;
        }

        var folder = Path.GetDirectoryName(path) ?? path;
        var hint = cause switch
        {
            FileNotFoundException { FileName: { } missing } =>
                $"It needs {Simple(missing)}, which is neither in the plugin's folder '{folder}' nor shared by the host: ship it with the plugin.",
            FileLoadException { FileName: { } unloadable } =>
                $"{Simple(unloadable)} was found but could not be loaded ({Sentence(cause.Message)}).",
            BadImageFormatException { FileName: { } damaged } =>
                $"{Simple(damaged)} is not a valid .NET assembly ({Sentence(cause.Message)}).",
            TypeLoadException =>
                $"A type could not be loaded ({Sentence(cause.Message)}); the plugin was probably built against other versions of its dependencies.",
            _ => null,
        };
        return hint is null || message.Contains(hint, StringComparison.Ordinal) ? message : $"{Sentence(message)}. {hint}";
    }

    // A static constructor or module initializer that throws reaches the host wrapped, in
    // TypeInitializationException, TargetInvocationException or FileLoadException, whose own
    // message ("The type initializer for 'X' threw an exception") hides what went wrong. The
    // innermost exception is the plugin's own words; the wrappers only say where it came from.
    private static string? ThrownByPluginCode(Exception exception)
    {
        string? where = null;
        var current = exception;
        while (current.InnerException is { } inner
            && current is TypeInitializationException or TargetInvocationException or FileLoadException or CatalogException)
        {
            if (current is TypeInitializationException initializer)
            {
                where = initializer.TypeName is "<Module>" or "" or null
                    ? "its module initializer"
                    : $"the static constructor of '{initializer.TypeName}'";
            }

            current = inner;
        }

        if (where is null || current is FileNotFoundException or FileLoadException or BadImageFormatException or TypeLoadException)
        {
            return null;
        }

        return $"{where} threw {current.GetType().Name}: {Sentence(current.Message)}.";
    }

    // "assembly 'Name' 1.0.0.0" from a full assembly name; a path or odd text stays as it is.
    private static string Simple(string assemblyOrFile)
    {
        try
        {
            var name = new AssemblyName(assemblyOrFile);
            return name.Version is null ? $"assembly '{name.Name}'" : $"assembly '{name.Name}' {name.Version}";
        }
        catch (Exception exception) when (exception is ArgumentException or FileLoadException)
        {
            return $"'{assemblyOrFile}'";
        }
    }

    // A message without its closing full stop, to continue a sentence.
    private static string Sentence(string message) => message.TrimEnd().TrimEnd('.');

    private static Exception? RootLoadFailure(Exception exception)
    {
        Exception? found = null;
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is FileNotFoundException or FileLoadException or BadImageFormatException or TypeLoadException)
            {
                found = current;
            }
            else if (current is ReflectionTypeLoadException { LoaderExceptions: { } loaderExceptions })
            {
                found = loaderExceptions.FirstOrDefault(inner => inner is not null) ?? found;
            }
        }

        return found;
    }

    private static string OneParagraph(string text) =>
        string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
