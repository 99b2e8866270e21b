using System.Collections.Immutable;
using ImageClassifier.Shared.Json;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// One parsed <c>--cfg-options</c> argument, <c>key.path=value</c>: the dotted key split into
/// member names (a number indexes a list, as in mmengine's <c>pipeline.0.type</c>) and the value.
/// </summary>
/// <remarks>
/// The value is JSON when it reads as JSON (<c>10</c>, <c>0.1</c>, <c>true</c>, <c>null</c>,
/// <c>[3]</c>, <c>{"a": 1}</c>, <c>"a b"</c>); Python's <c>True</c>, <c>False</c> and <c>None</c>
/// are accepted as mmengine accepts them; anything else is a plain string (<c>caffe</c>). A value
/// that starts with <c>[</c>, <c>{</c> or <c>"</c> must be valid JSON: a half-typed list is an
/// error rather than a string.
/// </remarks>
public sealed class ConfigOverride
{
    private ConfigOverride(string argument, int argumentNumber, ImmutableArray<string> keys, ImmutableArray<SourceLocation> keyLocations, ConfigNode value)
    {
        Argument = argument;
        ArgumentNumber = argumentNumber;
        Keys = keys;
        KeyLocations = keyLocations;
        Value = value;
    }

    /// <summary>The argument as given.</summary>
    public string Argument { get; }

    /// <summary>1-based position among the <c>--cfg-options</c> arguments.</summary>
    public int ArgumentNumber { get; }

    /// <summary>The dotted key, split: <c>model.head.num_classes</c> gives <c>model</c>, <c>head</c>, <c>num_classes</c>.</summary>
    public ImmutableArray<string> Keys { get; }

    /// <summary>Where each of <see cref="Keys"/> starts inside the argument.</summary>
    public ImmutableArray<SourceLocation> KeyLocations { get; }

    /// <summary>The value, located inside the argument.</summary>
    public ConfigNode Value { get; }

    /// <summary>Parses <c>key.path=value</c>.</summary>
    /// <param name="argument">One <c>--cfg-options</c> argument.</param>
    /// <param name="argumentNumber">Its 1-based position among the <c>--cfg-options</c> arguments (used in locations).</param>
    /// <param name="limits">Depth limit; <see cref="ConfigReaderLimits.Default"/> when null.</param>
    /// <exception cref="ConfigException">No '=', an empty key segment, too many segments or bad JSON.</exception>
    public static ConfigOverride Parse(string argument, int argumentNumber, ConfigReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(argument);
        limits ??= ConfigReaderLimits.Default;
        var equals = argument.IndexOf('=');
        if (equals < 0)
        {
            throw new ConfigException(
                At(argument, argumentNumber, argument.Length),
                null,
                "expected key=value (for example model.head.num_classes=10), but the argument has no '='");
        }

        if (equals == 0)
        {
            throw new ConfigException(At(argument, argumentNumber, 0), null, "the key before '=' is empty");
        }

        var keys = ImmutableArray.CreateBuilder<string>();
        var locations = ImmutableArray.CreateBuilder<SourceLocation>();
        var start = 0;
        while (true)
        {
            var dot = argument.IndexOf('.', start, equals - start);
            var end = dot < 0 ? equals : dot;
            if (end == start)
            {
                throw new ConfigException(
                    At(argument, argumentNumber, start),
                    null,
                    $"empty key segment in '{argument[..equals]}': write member names separated by single dots");
            }

            keys.Add(argument[start..end]);
            locations.Add(At(argument, argumentNumber, start));
            if (dot < 0)
            {
                break;
            }

            start = dot + 1;
        }

        if (keys.Count > limits.MaxDepth)
        {
            throw new ConfigException(At(argument, argumentNumber, 0), null, $"the key has {keys.Count} segments; at most {limits.MaxDepth} levels of nesting are allowed");
        }

        var path = ConfigJsonPath.Format(keys.Select(ConfigJsonPathSegment.Member));
        var value = ParseValue(argument, equals + 1, argumentNumber, limits, path);
        if (keys.Count + ContainerDepth(value) > limits.MaxDepth)
        {
            throw new ConfigException(
                value.Location,
                path,
                $"the value would nest more than {limits.MaxDepth} levels of objects and arrays deep");
        }

        return new ConfigOverride(argument, argumentNumber, keys.ToImmutable(), locations.ToImmutable(), value);
    }

    /// <summary>Parses every argument, numbering them from 1.</summary>
    /// <exception cref="ConfigException">The first argument that does not parse.</exception>
    public static ImmutableArray<ConfigOverride> ParseAll(IEnumerable<string> arguments, ConfigReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return [.. arguments.Select((argument, index) => Parse(argument, index + 1, limits))];
    }

    private static ConfigNode ParseValue(string argument, int valueStart, int argumentNumber, ConfigReaderLimits limits, string path)
    {
        var text = argument[valueStart..];
        var location = At(argument, argumentNumber, valueStart);
        var firstSignificant = text.TrimStart();
        if (firstSignificant.Length > 0 && firstSignificant[0] is '[' or '{' or '"')
        {
            try
            {
                return ConfigJsonReader.ParseArgumentValue(text, argumentNumber, location.Column, limits);
            }
            catch (ConfigException exception)
            {
                // Name the key being set: the parser only knows the path inside the value.
                var innerPath = exception.JsonPath is null or "$" ? path : path + exception.JsonPath[1..];
                throw new ConfigException(exception.Location, innerPath, exception.Detail, exception);
            }
        }

        return text switch
        {
            "true" or "True" => new ConfigBoolean(true, location),
            "false" or "False" => new ConfigBoolean(false, location),
            "null" or "None" => new ConfigNull(location),
            _ when text.Length > 0 && (text[0] == '-' || char.IsAsciiDigit(text[0])) && JsonNumberGrammar.Problem(text) is null
                => new ConfigNumber(text, location),
            _ => new ConfigString(text, location),
        };
    }

    private static int ContainerDepth(ConfigNode node) => node switch
    {
        ConfigObject obj => 1 + obj.Members.Select(member => ContainerDepth(member.Value)).DefaultIfEmpty(0).Max(),
        ConfigArray array => 1 + array.Items.Select(ContainerDepth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private static SourceLocation At(string argument, int argumentNumber, int index) =>
        SourceLocation.CommandLine(argumentNumber, JsonPosition.Of(argument, index).Column);
}
