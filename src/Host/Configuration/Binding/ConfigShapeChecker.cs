using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Shared.Text;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// Walks a located config tree against the config classes before the serializer reads it, and
/// reports the first value that does not fit where it was written: an unknown or missing "type",
/// an unknown member (with the close ones), a missing required member, a value of the wrong JSON
/// kind. It also turns aliases in "type" into registry names, and a single value written where a
/// list goes into a list of one.
/// </summary>
/// <remarks>
/// The serializer would refuse the same values, but its errors carry paths relative to the node it
/// read and generic wording; checking here first gives each error its file, line, column and the
/// words of the config world. Constraint checks stay in the generated setters, which the
/// serializer calls.
/// </remarks>
internal sealed class ConfigShapeChecker(ComponentTypeMap map, JsonSerializerOptions options, ValueDescriber describer, ConfigDocument document)
{
    /// <summary>The most names a "missing type" error lists.</summary>
    private const int MaxListedNames = 8;

    private readonly NullabilityInfoContext nullabilityContext = new();

    /// <summary>
    /// Checks the component config at <paramref name="path"/>; returns the JSON the serializer is to
    /// read (aliases replaced by registry names) and the registration "type" picked.
    /// </summary>
    /// <exception cref="ConfigException">The first value that does not fit.</exception>
    public (JsonObject Json, ComponentRegistration Registration) CheckComponent(ConfigNode node, ConfigJsonPath path, ComponentPosition position)
    {
        var json = ConfigNodeJson.ToJsonNode(node);
        var registration = CheckComponent(node, json, path, position, allowsNull: false);
        return ((JsonObject)json!, registration);
    }

    private void Check(ConfigNode node, JsonNode? json, ConfigJsonPath path, ValueSlot slot)
    {
        var type = Nullable.GetUnderlyingType(slot.Type) ?? slot.Type;
        if (ValueDescriber.AcceptsAnything(type))
        {
            return;
        }

        if (node is ConfigNull)
        {
            if (!slot.AllowsNull)
            {
                throw Mismatch(node, path, slot);
            }

            return;
        }

        if (map.TryGetPosition(type, out var position))
        {
            CheckComponent(node, json, path, position, slot.AllowsNull);
            return;
        }

        if (type.IsEnum)
        {
            CheckEnum(node, path, slot, type);
            return;
        }

        if (type == typeof(string) || type == typeof(char))
        {
            if (node is not ConfigString text || (type == typeof(char) && text.Value.Length != 1))
            {
                throw Mismatch(node, path, slot);
            }

            return;
        }

        if (type == typeof(bool))
        {
            if (node is not ConfigBoolean)
            {
                throw Mismatch(node, path, slot);
            }

            return;
        }

        if (ValueDescriber.IsInteger(type))
        {
            CheckInteger(node, path, slot, type);
            return;
        }

        if (ValueDescriber.IsFloatingPoint(type))
        {
            CheckNumber(node, path, slot, type);
            return;
        }

        if (slot.ConverterType is not null || type.GetCustomAttribute<JsonConverterAttribute>() is not null)
        {
            // A converter of its own decides what it reads.
            return;
        }

        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } itemType:
                var itemSlot = slot.ItemSlot(itemType);
                if (node is not ConfigArray array)
                {
                    // mmengine takes a single value where it takes a list ("augments": {...},
                    // "topk": 1): it stands for a list of one, which is what the serializer is given.
                    if (!describer.Shape(itemSlot.Type, itemSlot.ConverterType, itemSlot.AllowsNull).AdmitsSingle(ValueDescriber.KindOf(node)))
                    {
                        throw Mismatch(node, path, slot);
                    }

                    Check(node, json, path, itemSlot);
                    WrapInList(json);
                    return;
                }

                for (var index = 0; index < array.Items.Length; index++)
                {
                    Check(array.Items[index], json?[index], path.Item(index), itemSlot);
                }

                return;

            case JsonTypeInfoKind.Dictionary when info.KeyType == typeof(string) && info.ElementType is { } valueType:
                if (node is not ConfigObject dictionary)
                {
                    throw Mismatch(node, path, slot);
                }

                var valueSlot = slot.ItemSlot(valueType);
                foreach (var member in dictionary.Members)
                {
                    Check(member.Value, json?[member.Name], path.Member(member.Name), valueSlot);
                }

                return;

            case JsonTypeInfoKind.Object:
                if (node is not ConfigObject obj)
                {
                    throw Mismatch(node, path, slot);
                }

                CheckMembers(obj, json as JsonObject, path, info, type.Name, registration: null);
                return;
        }
    }

    private static void WrapInList(JsonNode? json)
    {
        if (json is null)
        {
            return;
        }

        var list = new JsonArray();
        json.ReplaceWith(list);
        list.Add(json);
    }

    private ComponentRegistration CheckComponent(ConfigNode node, JsonNode? json, ConfigJsonPath path, ComponentPosition position, bool allowsNull)
    {
        if (node is not ConfigObject obj)
        {
            throw BindingErrors.AtValue(document, path, ConfigMessages.Mismatch(ValueDescriber.Expected(position, allowsNull), ValueDescriber.Found(node)));
        }

        ComponentRegistration registration;
        if (!obj.TryGetMember(ConfigBinder.TypeKey, out var typeMember))
        {
            registration = position.Default ?? throw BindingErrors.AtValue(document, path, MissingType(position));
            if (position.DeclaredType.IsAbstract && json is JsonObject untyped)
            {
                // A kind's default: the serializer picks the config class by "type" alone.
                untyped[ConfigBinder.TypeKey] = registration.Name;
            }
        }
        else
        {
            var typePath = path.Member(ConfigBinder.TypeKey);
            if (typeMember.Value is not ConfigString name)
            {
                throw BindingErrors.AtValue(document, typePath, ConfigMessages.TypeNotAString(position.Kind, ValueDescriber.Found(typeMember.Value)));
            }

            registration = Resolve(name.Value, typePath, position);
            if (!string.Equals(registration.Name, name.Value, StringComparison.Ordinal) && json is JsonObject target)
            {
                // The serializer knows each config class by its registry name only.
                target[ConfigBinder.TypeKey] = registration.Name;
            }
        }

        var info = options.GetTypeInfo(registration.Descriptor.ConfigType);
        CheckMembers(obj, json as JsonObject, path, info, Owner(registration), registration);
        return registration;
    }

    private ComponentRegistration Resolve(string name, ConfigJsonPath typePath, ComponentPosition position)
    {
        if (position.Kind is not { } kind)
        {
            var matches = map.FindInEveryKind(name).Where(ComponentTypeMap.IsBindable).ToArray();
            return matches.Length switch
            {
                1 => matches[0],
                0 => throw BindingErrors.AtValue(document, typePath, ConfigMessages.UnknownComponent(name, kind: null, [], map.Suggest(name, kind: null), noneOfKind: false)),
                _ => throw BindingErrors.AtValue(document, typePath, ConfigMessages.AmbiguousComponent(name, matches.Select(match => match.Kind))),
            };
        }

        if (!map.TryFind(kind, name, out var registration))
        {
            var otherKinds = map.FindInEveryKind(name).Select(match => match.Kind).Where(other => other != kind).ToArray();
            var detail = ConfigMessages.UnknownComponent(name, kind, otherKinds, map.Suggest(name, kind), noneOfKind: map.InKind(kind).Count == 0);
            throw BindingErrors.AtValue(document, typePath, detail);
        }

        if (!ComponentTypeMap.IsBindable(registration))
        {
            throw BindingErrors.AtValue(
                document,
                typePath,
                $"the {kind} '{name}' cannot be configured: its config class {TypeNames.Format(registration.Descriptor.ConfigType)} " +
                $"is not a ComponentConfig<{TypeNames.Format(registration.Descriptor.KindType)}> that can be created");
        }

        if (!map.Fits(registration, position))
        {
            var allowed = map.Candidates(position).Select(candidate => CatalogText.Quote(candidate.Name));
            throw BindingErrors.AtValue(
                document,
                typePath,
                $"{CatalogText.WithArticle(kind)} '{name}' cannot stand here: expected {ValueDescriber.ComponentNoun(position)}, " +
                $"that is {CatalogText.JoinOr(allowed)}");
        }

        return registration;
    }

    private void CheckMembers(ConfigObject obj, JsonObject? json, ConfigJsonPath path, JsonTypeInfo info, string owner, ComponentRegistration? registration)
    {
        var properties = new Dictionary<string, JsonPropertyInfo>(StringComparer.Ordinal);
        foreach (var property in ConfigMembers.Of(info))
        {
            properties.TryAdd(property.Name, property);
        }

        foreach (var member in obj.Members)
        {
            if (registration is not null && member.Name == ConfigBinder.TypeKey)
            {
                continue;
            }

            var memberPath = path.Member(member.Name);
            if (!properties.ContainsKey(member.Name) && KindWideMembers.Contains(registration?.Kind, member.Name))
            {
                // Read off the entry by its section's reader (a hook's priority); the serializer never sees it.
                json?.Remove(member.Name);
                continue;
            }

            if (!properties.TryGetValue(member.Name, out var property))
            {
                var component = registration is null ? ((string, string)?)null : (registration.Name, registration.Kind);
                throw BindingErrors.At(document, member.NameLocation, memberPath, ConfigMessages.UnknownMember(owner, member.Name, properties.Keys.ToArray(), component));
            }

            Check(member.Value, json?[member.Name], memberPath, SlotOf(property, registration));
        }

        var missing = ConfigMembers.Of(info).Where(property => property.IsRequired && !obj.TryGetMember(property.Name, out _)).ToArray();
        if (missing.Length > 0)
        {
            var listed = missing.Select(property => $"'{property.Name}' ({Summary(SlotOf(property, registration))})");
            var noun = missing.Length == 1 ? "member" : "members";
            throw BindingErrors.AtValue(document, path, $"{owner} is missing the required {noun} {CatalogText.JoinAnd(listed)}");
        }
    }

    private ValueSlot SlotOf(JsonPropertyInfo property, ComponentRegistration? registration)
    {
        var parameter = registration?.Descriptor.Parameters.FirstOrDefault(candidate => candidate.JsonName == property.Name);
        return ValueSlot.ForProperty(property, nullabilityContext, parameter);
    }

    private void CheckEnum(ConfigNode node, ConfigJsonPath path, ValueSlot slot, Type enumType)
    {
        if (describer.EnumNames(enumType, slot.ConverterType) is not { } names)
        {
            CheckInteger(node, path, slot, Enum.GetUnderlyingType(enumType));
            return;
        }

        if (node is ConfigString text && names.Contains(text.Value, StringComparer.Ordinal))
        {
            return;
        }

        var suggestions = node is ConfigString typed ? NameSuggestions.Closest(typed.Value, names) : [];
        var expected = describer.Shape(slot.Type, slot.ConverterType, slot.AllowsNull);
        throw BindingErrors.AtValue(document, path, ConfigMessages.NotOneOfTheNames(expected, ValueDescriber.Found(node), suggestions));
    }

    private void CheckInteger(ConfigNode node, ConfigJsonPath path, ValueSlot slot, Type type)
    {
        if (node is not ConfigNumber { IsInteger: true } number)
        {
            throw Mismatch(node, path, slot);
        }

        var value = BigInteger.Parse(number.Literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var (minimum, maximum) = ValueDescriber.IntegerRange(type);
        if (value < minimum || value > maximum)
        {
            throw BindingErrors.AtValue(document, path, ConfigMessages.IntegerOutOfRange(minimum.ToString(CultureInfo.InvariantCulture), maximum.ToString(CultureInfo.InvariantCulture), number.Literal));
        }
    }

    private void CheckNumber(ConfigNode node, ConfigJsonPath path, ValueSlot slot, Type type)
    {
        if (node is not ConfigNumber number)
        {
            throw Mismatch(node, path, slot);
        }

        var inRange = type == typeof(decimal)
            ? decimal.TryParse(number.Literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : Math.Abs(number.GetDouble()) <= (type == typeof(float) ? float.MaxValue : type == typeof(Half) ? (double)Half.MaxValue : double.MaxValue);
        if (!inRange)
        {
            throw BindingErrors.AtValue(document, path, ConfigMessages.NumberDoesNotFit(type.Name, number.Literal));
        }
    }

    private ConfigException Mismatch(ConfigNode node, ConfigJsonPath path, ValueSlot slot) =>
        BindingErrors.AtValue(document, path, ConfigMessages.Mismatch(describer.Expected(slot), ValueDescriber.Found(node)));

    private string MissingType(ComponentPosition position)
    {
        var names = map.Candidates(position).Select(candidate => candidate.Name).ToArray();
        var what = ValueDescriber.ComponentNoun(position);
        var detail = $"missing \"type\": {what} names its component with \"type\"";
        if (names.Length is > 0 and <= MaxListedNames)
        {
            detail += $", one of {CatalogText.JoinOr(names.Select(CatalogText.Quote))}";
        }
        else if (position.Kind is { } kind)
        {
            detail += names.Length == 0 ? $", but no {kind} is registered" : $"; run 'icls list-models --kind {kind}' to see the names";
        }

        return detail;
    }

    private string Summary(ValueSlot slot)
    {
        var type = Nullable.GetUnderlyingType(slot.Type) ?? slot.Type;
        var text = map.TryGetPosition(type, out var position)
            ? ValueDescriber.ComponentNoun(position) + (slot.AllowsNull ? " or null" : string.Empty)
            : describer.Expected(slot);
        var constraints = slot.Parameter?.Constraints ?? [];
        return constraints.Count == 0 ? text : $"{text}, {string.Join(", ", constraints.Select(constraint => constraint.Expectation))}";
    }

    private static string Owner(ComponentRegistration registration) => ConfigMessages.ComponentOwner(registration.Name, registration.Kind);
}
