using System.Collections;
using System.Diagnostics;
using System.Text.Json;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Shared.Text;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// Turns a component's refusal while it is built (an <see cref="ArgumentException"/> or
/// <see cref="ConfigValueException"/> from its constructor) into a <see cref="ConfigException"/> at
/// the JSON object of the component that refused, or at the member it names when the config file
/// writes that member.
/// </summary>
internal static class ComponentBuildErrors
{
    public static ConfigException Locate(
        ComponentTypeMap map,
        JsonSerializerOptions options,
        ConfigDocument document,
        ConfigJsonPath rootPath,
        ComponentConfig root,
        ArgumentException refusal)
    {
        var components = new List<(ComponentConfig Config, ConfigJsonPath Path)>();
        Collect(options, root, rootPath, components);
        var (config, path) = FindRefuser(map, refusal, components) ?? components[0];
        map.TryGetByConfigType(config.GetType(), out var registration);

        var reason = refusal is ConfigValueException ? refusal.Message : WithoutParameterSuffix(refusal);
        var who = registration is null ? config.TypeName : ConfigMessages.ComponentOwner(registration.Name, registration.Kind);
        var at = MemberPath(document, path, MemberOf(refusal, registration)) ?? path;
        return BindingErrors.AtValue(document, at, $"{who} rejected its config: {reason}", refusal);
    }

    /// <summary>Every component config under <paramref name="config"/> with its path, parents first.</summary>
    internal static void Collect(JsonSerializerOptions options, ComponentConfig config, ConfigJsonPath path, List<(ComponentConfig, ConfigJsonPath)> found)
    {
        found.Add((config, path));
        foreach (var property in ConfigMembers.Of(options.GetTypeInfo(config.GetType())))
        {
            if (property.Get is null)
            {
                continue;
            }

            switch (property.Get(config))
            {
                case ComponentConfig child:
                    Collect(options, child, path.Member(property.Name), found);
                    break;
                case IEnumerable items and not string:
                    var index = 0;
                    foreach (var item in items)
                    {
                        if (item is ComponentConfig element)
                        {
                            Collect(options, element, path.Member(property.Name).Item(index), found);
                        }

                        index++;
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// The innermost component on the refusal's stack whose config is in the tree: the frame's
    /// class is the component (its constructor) or its config (its Build). A base component's
    /// constructor does not count for a variant: the variant's own frame is further out.
    /// </summary>
    private static (ComponentConfig, ConfigJsonPath)? FindRefuser(ComponentTypeMap map, Exception refusal, List<(ComponentConfig Config, ConfigJsonPath Path)> components)
    {
        foreach (var frame in new StackTrace(refusal, fNeedFileInfo: false).GetFrames())
        {
            for (var type = frame.GetMethod()?.DeclaringType; type is not null; type = type.DeclaringType)
            {
                foreach (var candidate in components)
                {
                    var configType = candidate.Config.GetType();
                    if (configType == type
                        || (map.TryGetByConfigType(configType, out var registration) && registration.Descriptor.ComponentType == type))
                    {
                        return candidate;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The JSON member the refusal names: a <see cref="ConfigValueException.Member"/>, or a constructor parameter mapped to its member.</summary>
    private static string? MemberOf(ArgumentException refusal, ComponentRegistration? registration)
    {
        if (refusal is ConfigValueException value)
        {
            return value.Member;
        }

        if (refusal.ParamName is not { Length: > 0 } parameter || registration is null)
        {
            return null;
        }

        return registration.Descriptor.Parameters
            .FirstOrDefault(candidate => string.Equals(candidate.Name, parameter, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.JsonName, parameter, StringComparison.Ordinal))
            ?.JsonName;
    }

    /// <summary>The path of <paramref name="member"/> (or of its first step) inside the object at <paramref name="objectPath"/>, when the document writes it.</summary>
    private static ConfigJsonPath? MemberPath(ConfigDocument document, ConfigJsonPath objectPath, string? member)
    {
        if (member is null || !JsonPaths.TryAppend(objectPath, member, out var full))
        {
            return null;
        }

        if (document.TryGetNode(full.ToString(), out _))
        {
            return full;
        }

        var name = member.Split('[', 2)[0];
        return name != member && JsonPaths.TryAppend(objectPath, name, out var first) && document.TryGetNode(first.ToString(), out _) ? first : null;
    }

    private static string WithoutParameterSuffix(ArgumentException refusal)
    {
        var message = refusal.Message;
        var suffix = refusal.ParamName is null ? null : $" (Parameter '{refusal.ParamName}')";
        return suffix is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    /// <summary>
    /// Whether building failed because memory ran out: libtorch's CPU allocator refusing a tensor
    /// (an <c>ExternalException</c> whose message is C++'s, frames included) or the CLR's own.
    /// </summary>
    public static bool IsAllocationFailure(Exception failure) =>
        failure is OutOfMemoryException
        || failure.Message.Contains("DefaultCPUAllocator", StringComparison.Ordinal)
        || failure.Message.Contains("can't allocate memory", StringComparison.Ordinal);

    /// <summary>One sentence for an allocation failure: how much was asked for, never libtorch's C++ frames (--verbose shows them).</summary>
    public static string DescribeAllocationFailure(Exception failure)
    {
        var match = System.Text.RegularExpressions.Regex.Match(failure.Message, @"allocate (\d+) bytes");
        var asked = match.Success && long.TryParse(match.Groups[1].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes)
            ? $" (a tensor of {ModelMemoryLimit.Describe(bytes)})"
            : string.Empty;
        return $"building the model ran out of memory{asked}; make the sizes in this config smaller, or lower {ModelMemoryLimit.Variable} so that such a config is refused before it is built";
    }
}
