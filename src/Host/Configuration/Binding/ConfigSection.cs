using System.Globalization;
using ImageClassifier.Hosting.Configuration;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// Reads one object of a run config (<c>train_cfg</c>, <c>default_hooks.checkpoint</c>, ...) strictly:
/// <see cref="Expect"/> first refuses any member that is not a known key (suggesting the closest),
/// then every value is checked for its JSON kind and range. Every error is a <see cref="ConfigException"/> at the file, line and
/// column that set the value, as the typed binding reports them.
/// </summary>
internal sealed class ConfigSection
{
    public ConfigSection(ConfigDocument document, string path, ConfigObject node)
    {
        Document = document;
        Path = path;
        Node = node;
    }

    public ConfigDocument Document { get; }

    /// <summary>The JSON path of the object, e.g. <c>$.train_cfg</c>.</summary>
    public string Path { get; }

    public ConfigObject Node { get; }

    /// <summary>The top-level object <paramref name="key"/>; null when the config leaves it out or sets it to null.</summary>
    /// <exception cref="ConfigException">It is not an object.</exception>
    public static ConfigSection? Top(ConfigDocument document, string key)
    {
        if (!document.Root.TryGetValue(key, out var value) || value is ConfigNull)
        {
            return null;
        }

        return value is ConfigObject obj
            ? new ConfigSection(document, "$." + key, obj)
            : throw document.CreateException("$." + key, $"expected an object, but found {value.KindDescription}");
    }

    public string PathOf(string member) => $"{Path}.{member}";

    public bool Has(string member) => Node.TryGetValue(member, out var value) && value is not ConfigNull;

    /// <summary>The raw value of a member; null when absent.</summary>
    public ConfigNode? Raw(string member) => Node.TryGetValue(member, out var value) ? value : null;

    public ConfigException Error(string member, string detail) => Document.CreateException(PathOf(member), detail);


    public int Int(string member, int fallback, int minimum = int.MinValue) =>
        OptionalInt(member, minimum) ?? fallback;

    public int RequiredInt(string member, int minimum = int.MinValue) =>
        OptionalInt(member, minimum) ?? throw Error(member, $"missing: expected an integer >= {minimum} here");

    public int? OptionalInt(string member, int minimum = int.MinValue)
    {
        var value = Raw(member);
        if (value is null or ConfigNull)
        {
            return null;
        }

        if (value is not ConfigNumber number || !number.IsInteger || !number.TryGetInt64(out var parsed) || parsed < int.MinValue || parsed > int.MaxValue)
        {
            throw Error(member, $"expected an integer, but found {Describe(value)}");
        }

        if (parsed < minimum)
        {
            throw Error(member, $"must be at least {minimum}, but is {parsed}");
        }

        return (int)parsed;
    }

    public double? OptionalDouble(string member)
    {
        var value = Raw(member);
        if (value is null or ConfigNull)
        {
            return null;
        }

        return value is ConfigNumber number ? number.GetDouble() : throw Error(member, $"expected a number, but found {Describe(value)}");
    }

    public bool Bool(string member, bool fallback)
    {
        var value = Raw(member);
        return value switch
        {
            null or ConfigNull => fallback,
            ConfigBoolean flag => flag.Value,
            _ => throw Error(member, $"expected true or false, but found {Describe(value)}"),
        };
    }

    public string? OptionalString(string member)
    {
        var value = Raw(member);
        return value switch
        {
            null or ConfigNull => null,
            ConfigString text => text.Value,
            _ => throw Error(member, $"expected a string, but found {Describe(value)}"),
        };
    }

    /// <summary>A nested object, or null when absent or null.</summary>
    public ConfigSection? Section(string member)
    {
        var value = Raw(member);
        return value switch
        {
            null or ConfigNull => null,
            ConfigObject obj => new ConfigSection(Document, PathOf(member), obj),
            _ => throw Error(member, $"expected an object, but found {Describe(value)}"),
        };
    }

    /// <summary>Checks the optional "type" member names one of <paramref name="accepted"/> (the first is the default).</summary>
    public string Type(params string[] accepted)
    {
        var type = OptionalString(ConfigBinder.TypeKey);
        if (type is null)
        {
            return accepted[0];
        }

        if (!accepted.Contains(type, StringComparer.Ordinal))
        {
            throw Error(ConfigBinder.TypeKey, $"'{type}' is not supported here; expected {string.Join(" or ", accepted.Select(name => $"'{name}'"))}");
        }

        return type;
    }

    /// <summary>
    /// Refuses the first member that is not one of <paramref name="known"/>, at its name, suggesting
    /// the closest known key. Known keys include those accepted for mmengine's configs that change nothing here.
    /// </summary>
    /// <exception cref="ConfigException">There is such a member.</exception>
    public ConfigSection Expect(params string[] known)
    {
        foreach (var member in Node.Members)
        {
            if (known.Contains(member.Name, StringComparer.Ordinal))
            {
                continue;
            }

            var suggestions = BindingErrors.Closest(member.Name, known);
            var hint = suggestions.Count > 0 && known.Length > 0 ? BindingErrors.DidYouMean(suggestions) : string.Empty;
            var detail = $"unknown key '{member.Name}'{hint} (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})";
            var location = member.NameLocation;
            if (!location.IsCommandLine && location.Path != Document.RootPath && Document.GetInheritanceChain(location.Path) is { } chain)
            {
                detail += $" (inherited via {chain})";
            }

            throw new ConfigException(location, PathOf(member.Name), detail);
        }

        return this;
    }

    public static string Describe(ConfigNode node) => node switch
    {
        ConfigString text => $"the string \"{text.Value}\"",
        ConfigNumber number => $"the number {number.Literal}",
        ConfigBoolean flag => flag.Value ? "true" : "false",
        _ => node.KindDescription,
    };

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
