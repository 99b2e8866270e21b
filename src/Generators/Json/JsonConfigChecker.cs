using System.Globalization;
using System.Numerics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using static ImageClassifier.Generators.ConstraintRules;

namespace ImageClassifier.Generators.Json;

/// <summary>
/// Walks one config file (on its own: its <c>_base_</c> files are not merged in) against the known
/// components and reports ICG018..ICG021 through <see cref="Report"/>.
/// </summary>
/// <remarks>
/// Where components stand: the file itself when it has a "type", the top-level "model" section
/// (a classifier, as the host binds it), and every component-typed member of a known component,
/// whose kind the member's type gives. An unknown name there is ICG018. Elsewhere (datasets,
/// transforms, optimizers, hooks: registries the compilation does not model) an object is only
/// checked when its "type" names a known component, and an unknown name is left alone. An object
/// without "type" may get it from a base file, so it is not judged unless its config class is known.
/// </remarks>
internal sealed class JsonConfigChecker(KnownComponents components, ConstraintCache constraints, SourceText text, JsonConfigChecker.Report report)
{
    /// <summary>The kind the host binds the "model" section to (ConfigBinder.DefaultModelKind).</summary>
    public const string ModelKind = "classifier";

    private const string TypeKey = "type";
    private const string BaseKey = "_base_";
    private const string DeleteKey = "_delete_";
    private const string FileOwner = "the config file";

    /// <summary>The most member names an ICG019 message lists when none is close.</summary>
    private const int MaxListedMembers = 12;

    /// <summary>Reports <paramref name="rule"/> at <paramref name="span"/> of the file with the message arguments.</summary>
    public delegate void Report(DiagnosticDescriptor rule, TextSpan span, params object[] arguments);

    public void CheckFile(JsonValue root)
    {
        if (root is not JsonObject file)
        {
            return;
        }

        if (file.Find(TypeKey) is not null)
        {
            CheckComponentObject(file, kind: null, configType: null);
            return;
        }

        foreach (var member in file.Members)
        {
            switch (member.Name)
            {
                case BaseKey:
                    CheckBaseList(member.Value);
                    break;
                case "model":
                    var modelKind = components.HasKind(ModelKind) ? ModelKind : null;
                    CheckComponentValue(member.Value, ValueSlot.ForComponent(modelKind), "model", FileOwner);
                    break;
                default:
                    Scan(member.Value);
                    break;
            }
        }
    }

    private void CheckBaseList(JsonValue value)
    {
        switch (value)
        {
            case JsonString:
                return;
            case JsonArray list:
                for (var index = 0; index < list.Items.Length; index++)
                {
                    if (list.Items[index] is not JsonString)
                    {
                        WrongKind(list.Items[index], $"{BaseKey}[{index}]", FileOwner, "a string (the path of a base config file)");
                    }
                }

                return;
            default:
                WrongKind(value, BaseKey, FileOwner, "a string or a list of strings (the paths of base config files)");
                return;
        }
    }

    /// <summary>Looks for known components in a part of the file where nothing is expected.</summary>
    private void Scan(JsonValue value)
    {
        switch (value)
        {
            case JsonObject obj when obj.Find(TypeKey)?.Value is JsonString name && components.Resolve(name.Value, kind: null) is { } component:
                CheckMembers(obj, component);
                break;
            case JsonObject obj:
                foreach (var member in obj.Members)
                {
                    Scan(member.Value);
                }

                break;
            case JsonArray array:
                foreach (var item in array.Items)
                {
                    Scan(item);
                }

                break;
        }
    }

    /// <summary>A value where a component config of <paramref name="slot"/>'s kind belongs.</summary>
    private void CheckComponentValue(JsonValue value, ValueSlot slot, string label, string owner)
    {
        switch (value)
        {
            case JsonNull when slot.AllowsNull:
                return;
            case JsonObject obj:
                CheckComponentObject(obj, slot.ComponentKind, slot.ConfigType);
                return;
            default:
                WrongKind(value, label, owner, slot.Expected);
                return;
        }
    }

    /// <summary>An object where a component of <paramref name="kind"/> (any kind when null) is expected.</summary>
    private void CheckComponentObject(JsonObject obj, string? kind, INamedTypeSymbol? configType)
    {
        var typeMember = obj.Find(TypeKey);
        KnownComponent? component;
        if (typeMember is null)
        {
            // Without "type" only a position that fixes the config class tells what this is.
            component = configType is null ? null : components.WithConfig(configType);
        }
        else if (typeMember.Value is not JsonString name)
        {
            var registered = kind is null ? "a registered component" : "a registered " + kind;
            WrongKind(typeMember.Value, TypeKey, ValueSlot.ComponentNoun(kind), $"a string (the name of {registered})");
            component = null;
        }
        else
        {
            component = components.Resolve(name.Value, kind);
            if (component is null)
            {
                ReportUnknownType(name, kind);
            }
        }

        if (component is null)
        {
            foreach (var member in obj.Members)
            {
                Scan(member.Value);
            }

            return;
        }

        CheckMembers(obj, component);
    }

    private void ReportUnknownType(JsonString name, string? kind)
    {
        var named = components.Named(name.Value);
        if (kind is null && named.Select(component => component.Kind).Distinct().Count() > 1)
        {
            // The host refuses such a name here too, but that is no misspelling: leave it to run time.
            return;
        }

        var otherKinds = named.Select(component => component.Kind).Where(other => other != kind).Distinct().ToList();
        var detail = kind is not null && otherKinds.Count > 0
            ? $" ('{name.Value}' is {NameSuggestions.JoinOr([.. otherKinds.Select(ValueSlot.WithArticle)])})"
            : "";
        var fix = NameSuggestions.DidYouMean(NameSuggestions.Closest(name.Value, components.NamesIn(kind))) ?? "correct the name";
        report(DiagnosticDescriptors.UnknownComponentType, name.Span, kind ?? "component", name.Value, detail, fix);
    }

    private void CheckMembers(JsonObject obj, KnownComponent component)
    {
        foreach (var member in obj.Members)
        {
            switch (member.Name)
            {
                case TypeKey:
                    continue;
                case DeleteKey:
                    if (member.Value is not JsonBoolean)
                    {
                        WrongKind(member.Value, DeleteKey, component.Description, "true or false");
                    }

                    continue;
            }

            if (component.FindMember(member.Name) is { } configMember)
            {
                CheckValue(member.Value, configMember.Slot, configMember, member.Name, component.Description, isItem: false);
                continue;
            }

            var fix = member.Name == BaseKey
                ? $"\"{BaseKey}\" is only allowed at the top level of a config file"
                : MemberFix(member.Name, component);
            report(DiagnosticDescriptors.UnknownConfigMember, member.NameSpan, component.Description, member.Name, fix);
        }
    }

    private static string MemberFix(string name, KnownComponent component)
    {
        var names = component.Members.Select(member => member.JsonName).ToList();
        return NameSuggestions.DidYouMean(NameSuggestions.Closest(name, names))
            ?? (names.Count == 0 ? "it has no members besides \"type\", so remove it"
                : names.Count <= MaxListedMembers ? "remove it or use one of its members: " + string.Join(", ", names.Select(member => $"'{member}'"))
                : "remove it or correct its name");
    }

    private void CheckValue(JsonValue value, ValueSlot slot, ConfigMember member, string label, string owner, bool isItem)
    {
        if (value is JsonNull)
        {
            if (!slot.AllowsNull && slot.Kind != SlotKind.Any)
            {
                WrongKind(value, label, owner, slot.Expected);
            }

            return;
        }

        switch (slot.Kind)
        {
            case SlotKind.Boolean when value is not JsonBoolean:
            case SlotKind.String when value is not JsonString:
            case SlotKind.Integer or SlotKind.Number when value is not JsonNumber:
            case SlotKind.EnumName when value is not JsonString:
            case SlotKind.List when value is not JsonArray:
                WrongKind(value, label, owner, slot.Expected);
                return;
            case SlotKind.String:
                CheckConstraints(value, ((JsonString)value).Value, member, label, owner, isItem);
                return;
            case SlotKind.Integer:
                CheckInteger((JsonNumber)value, slot, member, label, owner, isItem);
                return;
            case SlotKind.Number:
                CheckNumber((JsonNumber)value, slot, member, label, owner, isItem);
                return;
            case SlotKind.EnumName:
                CheckEnumName((JsonString)value, slot, member, label, owner, isItem);
                return;
            case SlotKind.Component or SlotKind.ConfigClass:
                CheckComponentValue(value, slot, label, owner);
                return;
            case SlotKind.List when slot.Item is { } itemSlot:
                var items = ((JsonArray)value).Items;
                for (var index = 0; index < items.Length; index++)
                {
                    CheckValue(items[index], itemSlot, member, $"{label}[{index}]", owner, isItem: true);
                }

                return;
        }
    }

    private void CheckInteger(JsonNumber number, ValueSlot slot, ConfigMember member, string label, string owner, bool isItem)
    {
        if (!number.IsInteger)
        {
            WrongKind(number, label, owner, slot.Expected);
            return;
        }

        var range = ValueSlot.IntegerRange(slot.NumberType);
        if (!BigInteger.TryParse(number.Literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || (range is { } bounds && (value < bounds.Minimum || value > bounds.Maximum)))
        {
            var expected = range is { } limits ? $"an integer from {limits.Minimum} to {limits.Maximum}" : slot.Expected;
            WrongKind(number, label, owner, expected);
            return;
        }

        // Held as the member's type holds it: an enum as its underlying type, compared by value.
        object clrValue = value >= long.MinValue && value <= long.MaxValue ? (long)value : (ulong)value;
        if (slot.EnumType is not null && ClrNumberType(slot.NumberType) is { } underlying)
        {
            clrValue = Convert.ChangeType(clrValue, underlying, CultureInfo.InvariantCulture);
        }

        CheckConstraints(number, clrValue, member, label, owner, isItem);
    }

    private void CheckNumber(JsonNumber number, ValueSlot slot, ConfigMember member, string label, string owner, bool isItem)
    {
        object? clrValue = null;
        if (slot.NumberType == SpecialType.System_Decimal)
        {
            if (decimal.TryParse(number.Literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
            {
                clrValue = exact;
            }
        }
        else if (double.TryParse(number.Literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && Math.Abs(real) <= (slot.NumberType == SpecialType.System_Single ? float.MaxValue : double.MaxValue))
        {
            clrValue = real;
        }

        if (clrValue is null)
        {
            var typeName = slot.NumberType switch
            {
                SpecialType.System_Decimal => "decimal",
                SpecialType.System_Single => "float",
                _ => "double",
            };
            WrongKind(number, label, owner, $"a number that fits a {typeName}");
            return;
        }

        CheckConstraints(number, clrValue, member, label, owner, isItem);
    }

    private void CheckEnumName(JsonString name, ValueSlot slot, ConfigMember member, string label, string owner, bool isItem)
    {
        foreach (var (known, value) in slot.EnumNames)
        {
            if (known == name.Value)
            {
                CheckConstraints(name, value, member, label, owner, isItem);
                return;
            }
        }

        var fix = NameSuggestions.DidYouMean(NameSuggestions.Closest(name.Value, slot.EnumNames.Select(entry => entry.Name)), quote: '"');
        WrongKind(name, label, owner, slot.Expected, fix);
    }

    /// <summary>
    /// Judges a value by the member's constraints, as the config's setter would: an array member's
    /// constraints apply to each item, a scalar member's to the value itself.
    /// </summary>
    private void CheckConstraints(JsonValue value, object? clrValue, ConfigMember member, string label, string owner, bool isItem)
    {
        var declared = constraints.Get(member.Symbol);
        var shape = MemberShape.Of(member.Type);
        if (declared.IsEmpty || shape.IsCollection != isItem)
        {
            return;
        }

        var constant = Constant.FromConfigValue(clrValue, shape.ItemType);
        foreach (var constraint in declared)
        {
            if (constraint.CanJudge && !constraint.IsSatisfiedBy(constant))
            {
                report(DiagnosticDescriptors.ConfigValueOutsideConstraint, value.Span, label, owner, constraint.Expectation, text.ToString(value.Span));
            }
        }
    }

    private void WrongKind(JsonValue value, string label, string owner, string expected, string? fix = null) =>
        report(DiagnosticDescriptors.ConfigValueOfWrongKind, value.Span, label, owner, expected, value.Describe(), fix ?? "change the value");
}
