using System.Globalization;
using System.Numerics;
using ImageClassifier.Shared.Json;
using ImageClassifier.Shared.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using static ImageClassifier.Generators.ConstraintRules;

namespace ImageClassifier.Generators.Json;

/// <summary>
/// Walks one config file (on its own: its <c>_base_</c> files are not merged in) against the known
/// components and reports ICG018..ICG021 through <see cref="Report"/>, worded as the host's
/// loader and binder word the same mistake (<see cref="ConfigMessages"/>): <c>$.json.path: detail</c>.
/// </summary>
/// <remarks>
/// Where components stand: the file itself when it has a "type", the top-level "model" section
/// (a classifier, as the host binds it), and every component-typed member of a known component,
/// whose kind the member's type gives. An unknown name there is ICG018. Elsewhere (datasets,
/// transforms, optimizers, hooks: registries the compilation does not model) an object is only
/// checked when its "type" names a known component, and an unknown name is left alone. An object
/// without "type" may get it from a base file, so it is not judged unless its config class is known.
/// The loader's rules for one file (a top-level object, <c>_base_</c> only at the top and naming
/// files, <c>_delete_</c> a boolean and not at the top) hold everywhere.
/// </remarks>
internal sealed class JsonConfigChecker(KnownComponents components, ConstraintCache constraints, JsonConfigChecker.Report report)
{
    /// <summary>The kind the host binds the "model" section to (ConfigBinder.DefaultModelKind).</summary>
    public const string ModelKind = "classifier";

    private const string TypeKey = ConfigMessages.TypeKey;
    private const string BaseKey = ConfigMessages.BaseKey;
    private const string DeleteKey = ConfigMessages.DeleteKey;

    /// <summary>Reports <paramref name="rule"/> at <paramref name="span"/> of the file with the message arguments.</summary>
    public delegate void Report(DiagnosticDescriptor rule, TextSpan span, params object[] arguments);

    public void CheckFile(JsonValue root)
    {
        if (root is not JsonObject file)
        {
            Located(DiagnosticDescriptors.ConfigValueOfWrongKind, root.Span, JsonPathText.Root, ConfigMessages.TopLevelNotAnObject(root.KindDescription));
            return;
        }

        CheckReservedMembers(file, JsonPathText.Root, isTopLevel: true, isListItem: false, inherits: file.Find(BaseKey) is not null);
        if (file.Find(TypeKey) is not null)
        {
            CheckComponentObject(file, JsonPathText.Root, kind: null, configType: null);
            return;
        }

        foreach (var member in file.Members)
        {
            var path = JsonPathText.Member(JsonPathText.Root, member.Name);
            switch (member.Name)
            {
                case BaseKey:
                    CheckBaseList(member.Value, path);
                    break;
                case DeleteKey:
                    break;
                case "model":
                    var modelKind = components.HasKind(ModelKind) ? ModelKind : null;
                    CheckComponentValue(member.Value, ValueSlot.ForComponent(modelKind), path);
                    break;
                default:
                    Scan(member.Value, path);
                    break;
            }
        }
    }

    /// <summary>
    /// The loader's rules for <c>_base_</c> and <c>_delete_</c>, which hold wherever a component may
    /// be. <paramref name="inherits"/>: the file has bases, so an object may have something to replace.
    /// </summary>
    private void CheckReservedMembers(JsonValue value, string path, bool isTopLevel, bool isListItem, bool inherits)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var member in obj.Members)
                {
                    var memberPath = JsonPathText.Member(path, member.Name);
                    if (member.Name == BaseKey && !isTopLevel)
                    {
                        Located(DiagnosticDescriptors.UnknownConfigMember, member.NameSpan, memberPath, ConfigMessages.BaseNotAtTopLevel);
                    }
                    else if (member.Name == DeleteKey && isTopLevel)
                    {
                        Located(DiagnosticDescriptors.UnknownConfigMember, member.NameSpan, JsonPathText.Root, ConfigMessages.DeleteAtTopLevel);
                    }
                    else if (member.Name == DeleteKey && member.Value is not JsonBoolean)
                    {
                        Located(DiagnosticDescriptors.ConfigValueOfWrongKind, member.Value.Span, memberPath, ConfigMessages.DeleteNotABoolean(member.Value.KindDescription));
                    }
                    else if (member.Name == DeleteKey && member.Value is JsonBoolean { Value: true } && (isListItem || !inherits))
                    {
                        Located(DiagnosticDescriptors.UnknownConfigMember, member.NameSpan, path, ConfigMessages.DeleteReplacesNothing(isListItem ? null : path));
                    }

                    CheckReservedMembers(member.Value, memberPath, isTopLevel: false, isListItem: false, inherits);
                }

                break;
            case JsonArray array:
                for (var index = 0; index < array.Items.Length; index++)
                {
                    CheckReservedMembers(array.Items[index], JsonPathText.Item(path, index), isTopLevel: false, isListItem: true, inherits);
                }

                break;
        }
    }

    private void CheckBaseList(JsonValue value, string path)
    {
        switch (value)
        {
            case JsonString single:
                CheckBasePath(single, path);
                return;
            case JsonArray list:
                for (var index = 0; index < list.Items.Length; index++)
                {
                    var item = list.Items[index];
                    if (item is JsonString entry)
                    {
                        CheckBasePath(entry, JsonPathText.Item(path, index));
                    }
                    else
                    {
                        Located(DiagnosticDescriptors.ConfigValueOfWrongKind, item.Span, JsonPathText.Item(path, index), ConfigMessages.BaseItemNotAPath(item.KindDescription));
                    }
                }

                return;
            default:
                Located(DiagnosticDescriptors.ConfigValueOfWrongKind, value.Span, path, ConfigMessages.BaseNotPaths(value.KindDescription));
                return;
        }
    }

    private void CheckBasePath(JsonString entry, string path)
    {
        if (ConfigMessages.BasePathProblem(entry.Value) is { } problem)
        {
            Located(DiagnosticDescriptors.ConfigValueOfWrongKind, entry.Span, path, problem);
        }
    }

    /// <summary>Looks for known components in a part of the file where nothing is expected.</summary>
    private void Scan(JsonValue value, string path)
    {
        switch (value)
        {
            case JsonObject obj when obj.Find(TypeKey)?.Value is JsonString name && components.Resolve(name.Value, kind: null) is { } component:
                CheckMembers(obj, path, component);
                break;
            case JsonObject obj:
                foreach (var member in obj.Members)
                {
                    Scan(member.Value, JsonPathText.Member(path, member.Name));
                }

                break;
            case JsonArray array:
                for (var index = 0; index < array.Items.Length; index++)
                {
                    Scan(array.Items[index], JsonPathText.Item(path, index));
                }

                break;
        }
    }

    /// <summary>A value where a component config of <paramref name="slot"/>'s kind belongs.</summary>
    private void CheckComponentValue(JsonValue value, ValueSlot slot, string path)
    {
        switch (value)
        {
            case JsonNull when slot.AllowsNull:
                return;
            case JsonObject obj:
                CheckComponentObject(obj, path, slot.ComponentKind, slot.ConfigType);
                return;
            default:
                Mismatch(value, path, slot);
                return;
        }
    }

    /// <summary>An object where a component of <paramref name="kind"/> (any kind when null) is expected.</summary>
    private void CheckComponentObject(JsonObject obj, string path, string? kind, INamedTypeSymbol? configType)
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
            Located(DiagnosticDescriptors.ConfigValueOfWrongKind, typeMember.Value.Span, JsonPathText.Member(path, TypeKey), ConfigMessages.TypeNotAString(kind, typeMember.Value.Describe()));
            component = null;
        }
        else
        {
            component = components.Resolve(name.Value, kind);
            if (component is null)
            {
                ReportUnknownType(name, JsonPathText.Member(path, TypeKey), kind);
            }
        }

        if (component is null)
        {
            foreach (var member in obj.Members)
            {
                Scan(member.Value, JsonPathText.Member(path, member.Name));
            }

            return;
        }

        CheckMembers(obj, path, component);
    }

    private void ReportUnknownType(JsonString name, string path, string? kind)
    {
        var named = components.Named(name.Value);
        if (kind is null && named.Select(component => component.Kind).Distinct().Count() > 1)
        {
            // The host refuses such a name here too, but that is no misspelling: leave it to run time.
            return;
        }

        var otherKinds = named.Select(component => component.Kind).Where(other => other != kind).Distinct().ToList();
        var detail = ConfigMessages.UnknownComponent(name.Value, kind, otherKinds, SuggestComponents(name.Value, kind), noneOfKind: kind is not null && !components.HasKind(kind));
        Located(DiagnosticDescriptors.UnknownComponentType, name.Span, path, detail);
    }

    /// <summary>Registered names or aliases close to <paramref name="name"/>, in <paramref name="kind"/> or in all kinds, as the host's binder picks them.</summary>
    private IReadOnlyList<string> SuggestComponents(string name, string? kind) =>
        NameSuggestions.Closest(name, components.All.Where(component => kind is null || component.Kind == kind), component => component.Names);

    private void CheckMembers(JsonObject obj, string path, KnownComponent component)
    {
        var owner = component.Description;
        foreach (var member in obj.Members)
        {
            if (member.Name is TypeKey or BaseKey or DeleteKey)
            {
                continue;
            }

            var memberPath = JsonPathText.Member(path, member.Name);
            if (component.FindMember(member.Name) is { } configMember)
            {
                CheckValue(member.Value, configMember.Slot, configMember, memberPath, member.Name, isItem: false);
                continue;
            }

            if (KindWideMembers.Contains(component.Kind, member.Name))
            {
                // The host reads it off the entry (a hook's priority), as mmengine's runner does.
                continue;
            }

            var names = component.Members.Select(known => known.JsonName).ToList();
            Located(DiagnosticDescriptors.UnknownConfigMember, member.NameSpan, memberPath, ConfigMessages.UnknownMember(owner, member.Name, names, (component.Name, component.Kind)));
        }
    }

    private void CheckValue(JsonValue value, ValueSlot slot, ConfigMember member, string path, string label, bool isItem)
    {
        if (value is JsonNull)
        {
            if (!slot.AllowsNull && slot.Kind != SlotKind.Any)
            {
                Mismatch(value, path, slot);
            }

            return;
        }

        switch (slot.Kind)
        {
            case SlotKind.Boolean when value is not JsonBoolean:
            case SlotKind.String when value is not JsonString:
            case SlotKind.Integer or SlotKind.Number when value is not JsonNumber:
                Mismatch(value, path, slot);
                return;
            case SlotKind.List when value is not JsonArray:
                // mmengine takes a single value where it takes a list: a list of one, as the host binds it.
                if (slot.Item is not { } single)
                {
                    return;
                }

                if (!single.Expected(components).AdmitsSingle(value.ExpectedKind))
                {
                    Mismatch(value, path, slot);
                    return;
                }

                CheckValue(value, single, member, path, label + "[0]", isItem: true);
                return;
            case SlotKind.String:
                CheckConstraints(value, ((JsonString)value).Value, member, path, label, isItem);
                return;
            case SlotKind.Integer:
                CheckInteger((JsonNumber)value, slot, member, path, label, isItem);
                return;
            case SlotKind.Number:
                CheckNumber((JsonNumber)value, slot, member, path, label, isItem);
                return;
            case SlotKind.EnumName:
                CheckEnumName(value, slot, member, path, label, isItem);
                return;
            case SlotKind.Component or SlotKind.ConfigClass:
                CheckComponentValue(value, slot, path);
                return;
            case SlotKind.List when slot.Item is { } itemSlot:
                var items = ((JsonArray)value).Items;
                for (var index = 0; index < items.Length; index++)
                {
                    CheckValue(items[index], itemSlot, member, JsonPathText.Item(path, index), $"{label}[{index}]", isItem: true);
                }

                return;
        }
    }

    private void CheckInteger(JsonNumber number, ValueSlot slot, ConfigMember member, string path, string label, bool isItem)
    {
        if (!number.IsInteger)
        {
            Mismatch(number, path, slot);
            return;
        }

        if (ValueSlot.IntegerRange(slot.NumberType) is not { } range)
        {
            return;
        }

        var (minimum, maximum) = range;
        var value = BigInteger.Parse(number.Literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (value < minimum || value > maximum)
        {
            Located(
                DiagnosticDescriptors.ConfigValueOfWrongKind,
                number.Span,
                path,
                ConfigMessages.IntegerOutOfRange(minimum.ToString(CultureInfo.InvariantCulture), maximum.ToString(CultureInfo.InvariantCulture), number.Literal));
            return;
        }

        // Held as the member's type holds it: an enum as its underlying type, compared by value.
        object clrValue = value >= long.MinValue && value <= long.MaxValue ? (long)value : (ulong)value;
        if (slot.EnumType is not null && ClrNumberType(slot.NumberType) is { } underlying)
        {
            clrValue = Convert.ChangeType(clrValue, underlying, CultureInfo.InvariantCulture);
        }

        CheckConstraints(number, clrValue, member, path, label, isItem);
    }

    private void CheckNumber(JsonNumber number, ValueSlot slot, ConfigMember member, string path, string label, bool isItem)
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
            // The host names the CLR type (typeof(float).Name): the same words here.
            var typeName = slot.NumberType switch
            {
                SpecialType.System_Decimal => nameof(Decimal),
                SpecialType.System_Single => nameof(Single),
                _ => nameof(Double),
            };
            Located(DiagnosticDescriptors.ConfigValueOfWrongKind, number.Span, path, ConfigMessages.NumberDoesNotFit(typeName, number.Literal));
            return;
        }

        CheckConstraints(number, clrValue, member, path, label, isItem);
    }

    private void CheckEnumName(JsonValue value, ValueSlot slot, ConfigMember member, string path, string label, bool isItem)
    {
        if (value is JsonString name)
        {
            foreach (var (known, enumValue) in slot.EnumNames)
            {
                if (known == name.Value)
                {
                    CheckConstraints(name, enumValue, member, path, label, isItem);
                    return;
                }
            }
        }

        var suggestions = value is JsonString typed ? NameSuggestions.Closest(typed.Value, slot.EnumNames.Select(entry => entry.Name)) : [];
        Located(DiagnosticDescriptors.ConfigValueOfWrongKind, value.Span, path, ConfigMessages.NotOneOfTheNames(slot.Expected(components), value.Describe(), suggestions));
    }

    /// <summary>
    /// Judges a value by the member's constraints, as the config's setter would: an array member's
    /// constraints apply to each item, a scalar member's to the value itself.
    /// </summary>
    private void CheckConstraints(JsonValue value, object? clrValue, ConfigMember member, string path, string label, bool isItem)
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
                // The setter's words (ConfigValueException), so the build and a run say the same.
                Located(DiagnosticDescriptors.ConfigValueOutsideConstraint, value.Span, path, ConfigMessages.OutsideConstraint(label, constraint.Expectation, Literal(clrValue)));
            }
        }
    }

    /// <summary>A value as the setter's message writes it (ConfigLiteral's form): "3", "0.5", "\"caffe\"".</summary>
    private static string Literal(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        bool flag => flag ? "true" : "false",
        System.IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private void Mismatch(JsonValue value, string path, ValueSlot slot) =>
        Located(DiagnosticDescriptors.ConfigValueOfWrongKind, value.Span, path, ConfigMessages.Mismatch(slot.Expected(components).Describe(), value.Describe()));

    /// <summary>Reports a message that reads as the host's does after <c>file:line:col: </c>.</summary>
    private void Located(DiagnosticDescriptor rule, TextSpan span, string path, string detail) => report(rule, span, $"{path}: {detail}");
}
