namespace ImageClassifier.Shared.Text;

/// <summary>
/// The messages about config values that the host's loader and binder and the build-time
/// analyzer both give, written once so that the IDE and <c>icls</c> word the same mistake alike.
/// Each is the detail that follows <c>file:line:col: $.json.path: </c>.
/// </summary>
internal static class ConfigMessages
{
    public const string TypeKey = "type";
    public const string BaseKey = "_base_";
    public const string DeleteKey = "_delete_";

    /// <summary>The most members an "unknown member" message lists when none is close.</summary>
    public const int MaxListedMembers = 12;

    /// <summary>A nested or command-line <c>_base_</c>.</summary>
    public const string BaseNotAtTopLevel = "\"_base_\" is only allowed at the top level of a config file";

    /// <summary>A <c>_delete_</c> in the top-level object of a file.</summary>
    public const string DeleteAtTopLevel = "\"_delete_\" cannot be used at the top level of a config file; to inherit nothing, remove \"_base_\"";

    /// <summary>A JSON kind with its article, as the loader's messages name a value's kind.</summary>
    public const string KindObject = "an object";

    /// <summary>A JSON kind with its article.</summary>
    public const string KindArray = "an array";

    /// <summary>A JSON kind with its article.</summary>
    public const string KindString = "a string";

    /// <summary>A JSON kind with its article.</summary>
    public const string KindNumber = "a number";

    /// <summary>A JSON kind with its article.</summary>
    public const string KindBoolean = "a boolean";

    /// <summary>A JSON kind with its article.</summary>
    public const string KindNull = "null";

    /// <summary>What was found, for "but found ...": <c>the string "50"</c>.</summary>
    public static string FoundString(string value) => "the string " + MessageText.JsonQuote(MessageText.Shorten(value));

    /// <summary>What was found, for "but found ...": <c>the number 1.5</c>.</summary>
    public static string FoundNumber(string literal) => "the number " + MessageText.Shorten(literal);

    /// <summary>What was found, for "but found ...": <c>true</c>, <c>false</c>.</summary>
    public static string FoundBoolean(bool value) => value ? "true" : "false";

    /// <summary>What was found, for "but found ...": null, a list or an object.</summary>
    public const string FoundNull = "null";

    /// <summary>What was found, for "but found ...": a list.</summary>
    public const string FoundList = "a list";

    /// <summary>What was found, for "but found ...": an object.</summary>
    public const string FoundObject = "an object";

    /// <summary>How a component names itself in messages: <c>ResNet (a backbone)</c>.</summary>
    public static string ComponentOwner(string name, string kind) => $"{name} ({MessageText.WithArticle(kind)})";

    /// <summary>
    /// A value outside a member's constraint, as ConfigValueException words it for the setter:
    /// "out_indices[1] must be between 0 and 3, but got 7.".
    /// </summary>
    public static string OutsideConstraint(string member, string expectation, string value) => $"{member} must be {expectation}, but got {value}.";

    /// <summary>"expected an integer, but found the string \"5\"".</summary>
    public static string Mismatch(string expected, string found) => $"expected {expected}, but found {found}";

    /// <summary>A value that is not one of an enum's names, with the close ones.</summary>
    public static string NotOneOfTheNames(ExpectedValue expected, string found, IReadOnlyList<string> suggestions) =>
        Append(Mismatch(expected.Describe(), found), NameSuggestions.DidYouMean(suggestions, MessageText.JsonQuote));

    /// <summary>An integer outside its type's range.</summary>
    public static string IntegerOutOfRange(string minimum, string maximum, string literal) =>
        $"expected an integer from {minimum} to {maximum}, but found the number {literal}";

    /// <summary>A number past the range of the member's floating-point type (<c>Single</c>, <c>Double</c>, <c>Decimal</c>).</summary>
    public static string NumberDoesNotFit(string typeName, string literal) =>
        $"expected a number that fits a {typeName}, but found the number {literal}";

    /// <summary>A "type" that is not a string.</summary>
    public static string TypeNotAString(string? kind, string found) =>
        $"expected the name of a registered {kind ?? "component"} (a string), but found {found}";

    /// <summary>
    /// A "type" that names no component of <paramref name="kind"/> (of any kind when null): the
    /// kinds the name does belong to, then the close names, else where to look.
    /// </summary>
    /// <param name="name">The name written.</param>
    /// <param name="kind">The kind expected there; null when any kind may stand there.</param>
    /// <param name="otherKinds">The other kinds that have a component of that name.</param>
    /// <param name="suggestions">Close names, best first (<see cref="NameSuggestions.Closest"/>).</param>
    /// <param name="noneOfKind">Whether no component of <paramref name="kind"/> is known at all.</param>
    public static string UnknownComponent(string name, string? kind, IReadOnlyList<string> otherKinds, IReadOnlyList<string> suggestions, bool noneOfKind)
    {
        if (kind is null)
        {
            var anyKind = $"no component named '{name}'";
            return suggestions.Count > 0
                ? Append(anyKind, NameSuggestions.DidYouMean(suggestions, MessageText.Quote))
                : anyKind + "; run 'icls list-models' to see the registered ones";
        }

        var detail = $"no {kind} named '{name}'";
        if (otherKinds.Count > 0)
        {
            detail += $"; '{name}' is {MessageText.JoinOr(otherKinds.Select(MessageText.WithArticle))}, not {MessageText.WithArticle(kind)}";
        }

        if (suggestions.Count > 0)
        {
            return Append(detail, NameSuggestions.DidYouMean(suggestions, MessageText.Quote));
        }

        if (noneOfKind)
        {
            return detail + $"; no {kind} is registered at all";
        }

        return otherKinds.Count == 0 ? detail + $"; run 'icls list-models --kind {kind}' to see the registered ones" : detail;
    }

    /// <summary>A "type" that names components of several kinds where any kind may stand.</summary>
    public static string AmbiguousComponent(string name, IEnumerable<string> kinds) =>
        $"'{name}' names components of several kinds ({string.Join(", ", kinds)}); this section cannot tell which is meant";

    /// <summary>
    /// A member that <paramref name="owner"/> does not have: the close members, else all of them
    /// when there are few, else where to look them up.
    /// </summary>
    /// <param name="owner">The component or class: <c>ResNet (a backbone)</c>.</param>
    /// <param name="name">The member written.</param>
    /// <param name="members">The members it has, in order.</param>
    /// <param name="component">The registry name and kind of a component, for the <c>icls describe</c> hint; null for a plain class.</param>
    public static string UnknownMember(string owner, string name, IReadOnlyList<string> members, (string Name, string Kind)? component)
    {
        var detail = $"{owner} has no member '{name}'";
        var suggestions = NameSuggestions.Closest(name, members);
        if (suggestions.Count > 0)
        {
            return Append(detail, NameSuggestions.DidYouMean(suggestions, MessageText.Quote));
        }

        if (members.Count == 0)
        {
            return detail + "; it has no members at all";
        }

        if (members.Count <= MaxListedMembers)
        {
            return detail + $"; its members are {MessageText.JoinAnd(members.Select(MessageText.Quote))}";
        }

        return component is { } described ? detail + $"; run 'icls describe {described.Name} --kind {described.Kind}' to see its members" : detail;
    }

    /// <summary>A file whose top-level value is not an object; <paramref name="kind"/> is "an array", "a number"...</summary>
    public static string TopLevelNotAnObject(string kind) => $"a config file must hold a JSON object at the top level, but found {kind}";

    /// <summary>A <c>_delete_</c> that is not a boolean; <paramref name="kind"/> is "a string", "a number"...</summary>
    public static string DeleteNotABoolean(string kind) => $"\"_delete_\" must be true or false, but found {kind}";

    /// <summary>
    /// A <c>"_delete_": true</c> in an object that inherits nothing: an item of a list
    /// (<paramref name="objectPath"/> null), or an object no base sets.
    /// </summary>
    public static string DeleteReplacesNothing(string? objectPath)
    {
        var why = objectPath is null ? "lists are replaced whole, so an object inside a list inherits nothing" : $"nothing is inherited at {objectPath}";
        return $"\"_delete_\": true has nothing to replace: {why}; remove it";
    }

    /// <summary>A top-level <c>_base_</c> that is neither a path nor a list of paths.</summary>
    public static string BaseNotPaths(string kind) => $"expected a string or a list of strings (paths of base configs), but found {kind}";

    /// <summary>What is wrong with the path of a base config as written, before any file is looked for; null when nothing is.</summary>
    public static string? BasePathProblem(string path)
    {
        if (path.Trim().Length == 0)
        {
            return "the base config path is empty";
        }

        if (path.IndexOf("::", StringComparison.Ordinal) >= 0)
        {
            return $"package-scoped bases ('{path}') are not supported; copy the base config and name it by a path relative to this file";
        }

        // Not Path.GetExtension: on .NET Framework (Visual Studio's analyzer host) it throws on a
        // character that is invalid in a Windows path.
        var dot = path.LastIndexOf('.');
        var extension = dot > path.LastIndexOfAny(['/', '\\']) ? path.Substring(dot) : "";
        return extension is ".py" or ".yml" or ".yaml"
            ? $"'{path}' is a {extension} config; only JSON configs can be inherited (convert it to .json)"
            : null;
    }

    /// <summary>An item of a <c>_base_</c> list that is not a path.</summary>
    public static string BaseItemNotAPath(string kind) => $"expected a string (the path of a base config), but found {kind}";

    private static string Append(string detail, string hint) => hint.Length == 0 ? detail : $"{detail}; {hint}";
}
