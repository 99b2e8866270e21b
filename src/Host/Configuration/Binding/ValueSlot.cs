using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>What a JSON value must be where it stands: a member's type, or an item type of a list.</summary>
/// <param name="Type">The declared type.</param>
/// <param name="AllowsNull">Whether null is accepted (a nullable annotation, <c>int?</c>).</param>
/// <param name="ConverterType">The <c>[JsonConverter]</c> on the member, if any.</param>
/// <param name="Nullability">The member's nullability, for the items of a list.</param>
/// <param name="Parameter">The component parameter behind the member, for its constraints and docs.</param>
internal sealed record ValueSlot(Type Type, bool AllowsNull, Type? ConverterType, NullabilityInfo? Nullability, ParameterDescriptor? Parameter)
{
    /// <summary>The slot of a serializer property.</summary>
    public static ValueSlot ForProperty(JsonPropertyInfo property, NullabilityInfoContext nullabilityContext, ParameterDescriptor? parameter)
    {
        var member = property.AttributeProvider as MemberInfo;
        NullabilityInfo? nullability = member switch
        {
            PropertyInfo info => nullabilityContext.Create(info),
            FieldInfo info => nullabilityContext.Create(info),
            _ => null,
        };
        var converterType = member?.GetCustomAttribute<JsonConverterAttribute>()?.ConverterType;
        var allowsNull = Nullable.GetUnderlyingType(property.PropertyType) is not null
            || (!property.PropertyType.IsValueType && property.IsSetNullable);
        return new ValueSlot(property.PropertyType, allowsNull, converterType, nullability, parameter);
    }

    /// <summary>A slot with no annotations: the root of a section.</summary>
    public static ValueSlot ForType(Type type, bool allowsNull = false) => new(type, allowsNull, null, null, null);

    /// <summary>The slot of an item of this list (or of a value of this dictionary).</summary>
    public ValueSlot ItemSlot(Type itemType)
    {
        var itemNullability = Nullability?.ElementType
            ?? (Nullability?.GenericTypeArguments is { Length: > 0 } arguments ? arguments[^1] : null);
        var allowsNull = itemType.IsValueType
            ? Nullable.GetUnderlyingType(itemType) is not null
            : itemNullability is null || itemNullability.ReadState != NullabilityState.NotNull;
        return new ValueSlot(itemType, allowsNull, null, itemNullability, Parameter);
    }
}
