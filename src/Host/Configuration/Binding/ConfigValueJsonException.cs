using System.Text.Json;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// A config setter's refusal (a <see cref="ConfigValueException"/> from a constraint, or another
/// <see cref="ArgumentException"/>) passed through the serializer as a <see cref="JsonException"/>,
/// so that the serializer fills in the JSON path of the member being set.
/// </summary>
internal sealed class ConfigValueJsonException(string memberName, ArgumentException refusal) : JsonException(refusal.Message, refusal)
{
    /// <summary>The JSON name of the member whose setter refused the value.</summary>
    public string MemberName { get; } = memberName;

    /// <summary>The setter's exception.</summary>
    public ArgumentException Refusal { get; } = refusal;
}
