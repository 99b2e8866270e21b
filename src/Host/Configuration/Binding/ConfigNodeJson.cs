using System.Text.Json.Nodes;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>Turns located config nodes into System.Text.Json nodes for the serializer.</summary>
internal static class ConfigNodeJson
{
    /// <summary>The same value as a <see cref="JsonNode"/>; numbers keep their literal text (<c>10</c> and <c>10.0</c> stay different).</summary>
    public static JsonNode? ToJsonNode(ConfigNode node) => node switch
    {
        ConfigObject obj => new JsonObject(obj.Members.Select(member => KeyValuePair.Create(member.Name, ToJsonNode(member.Value)))),
        ConfigArray array => new JsonArray(array.Items.Select(ToJsonNode).ToArray()),
        ConfigString text => JsonValue.Create(text.Value),
        ConfigNumber number => JsonNode.Parse(number.Literal),
        ConfigBoolean flag => JsonValue.Create(flag.Value),
        _ => null,
    };
}
