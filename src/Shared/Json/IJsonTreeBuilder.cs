using System.Collections.Immutable;

namespace ImageClassifier.Shared.Json;

/// <summary>
/// Makes the nodes <see cref="JsonSyntaxReader{TNode, TMember}"/> reads: the host builds its public
/// config tree, the analyzer a tree of text spans. <c>start</c> is where the value's
/// first character stands and <c>end</c> the offset just past its last one.
/// </summary>
internal interface IJsonTreeBuilder<TNode, TMember>
{
    TNode Object(ImmutableArray<TMember> members, JsonPosition start, int end);

    TNode Array(ImmutableArray<TNode> items, JsonPosition start, int end);

    /// <summary>A string, escapes resolved; the span includes the quotes.</summary>
    TNode String(string value, JsonPosition start, int end);

    /// <summary>A number as written, already checked against the JSON grammar and a double's range.</summary>
    TNode Number(string literal, JsonPosition start, int end);

    TNode Boolean(bool value, JsonPosition start, int end);

    TNode Null(JsonPosition start, int end);

    /// <summary>A member; the name's span includes its quotes.</summary>
    TMember Member(string name, JsonPosition nameStart, int nameEnd, TNode value);
}
