using System.Text.Json.Serialization.Metadata;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>The members of a config class as the serializer sees them.</summary>
internal static class ConfigMembers
{
    /// <summary>
    /// The members a config file may set or the serializer writes. The serializer also lists
    /// <c>[JsonIgnore]</c> properties (such as <c>TypeName</c>), with neither getter nor setter, so
    /// that a base class's property of the same name stays hidden; those are left out.
    /// </summary>
    public static IEnumerable<JsonPropertyInfo> Of(JsonTypeInfo info) =>
        info.Properties.Where(property => property.Get is not null || property.Set is not null);
}
