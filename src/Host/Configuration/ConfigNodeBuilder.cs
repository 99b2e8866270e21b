using System.Collections.Immutable;
using ImageClassifier.Shared.Json;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>Makes the <see cref="ConfigNode"/> tree that the shared JSON reader reads, every node located in its file or argument.</summary>
internal sealed class ConfigNodeBuilder(JsonSource source) : IJsonTreeBuilder<ConfigNode, ConfigMember>
{
    public ConfigNode Object(ImmutableArray<ConfigMember> members, JsonPosition start, int end) => new ConfigObject(members, At(start));

    public ConfigNode Array(ImmutableArray<ConfigNode> items, JsonPosition start, int end) => new ConfigArray(items, At(start));

    public ConfigNode String(string value, JsonPosition start, int end) => new ConfigString(value, At(start));

    public ConfigNode Number(string literal, JsonPosition start, int end) => new ConfigNumber(literal, At(start));

    public ConfigNode Boolean(bool value, JsonPosition start, int end) => new ConfigBoolean(value, At(start));

    public ConfigNode Null(JsonPosition start, int end) => new ConfigNull(At(start));

    public ConfigMember Member(string name, JsonPosition nameStart, int nameEnd, ConfigNode value) => new(name, At(nameStart), value);

    /// <summary>Reads <paramref name="text"/> with the shared reader, its first syntax error as a <see cref="ConfigException"/>.</summary>
    public static ConfigNode Parse(string text, JsonSource source, int maxDepth)
    {
        try
        {
            return JsonSyntaxReader<ConfigNode, ConfigMember>.Read(text, source, maxDepth, new ConfigNodeBuilder(source));
        }
        catch (JsonSyntaxException error)
        {
            throw new ConfigException(new SourceLocation(source.Name, error.Position.Line, error.Position.Column, source.IsCommandLine), error.JsonPath, error.Detail);
        }
    }

    private SourceLocation At(JsonPosition position) => new(source.Name, position.Line, position.Column, source.IsCommandLine);
}
