using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ImageClassifier.Shared.Json;

/// <summary>
/// The one reader of config JSON, for the host's config loader and the build-time analyzer alike:
/// standard JSON plus <c>//</c> and <c>/* */</c> comments and trailing commas; a repeated member
/// name, single quotes, Python literals, <c>NaN</c>, hexadecimal, <c>+</c>-signed or out-of-range
/// numbers and nesting deeper than the limit are errors. Each node is made by an
/// <see cref="IJsonTreeBuilder{TNode, TMember}"/> with its position; the first error is thrown as a
/// <see cref="JsonSyntaxException"/> that names the place, the JSON path and what was expected.
/// </summary>
/// <remarks>
/// Written by hand, not on Utf8JsonReader: the generator targets netstandard2.0 and may bring no
/// package, and every error must say what was expected at the exact place (and name the bracket
/// that was never closed). Line and column are tracked as each character is consumed, so the parse
/// stays linear. Recursion stops at the depth limit, so hostile nesting cannot overflow the stack.
/// </remarks>
internal sealed class JsonSyntaxReader<TNode, TMember>
{
    private readonly string text;
    private readonly JsonSource source;
    private readonly int maxDepth;
    private readonly IJsonTreeBuilder<TNode, TMember> builder;
    private readonly CancellationToken cancellationToken;
    private readonly List<(string? Name, int Index)> path = [];
    private readonly TokenTable tokens = new();
    private int position;
    private int line = 1;
    private int column;

    private JsonSyntaxReader(string text, JsonSource source, int maxDepth, IJsonTreeBuilder<TNode, TMember> builder, CancellationToken cancellationToken)
    {
        this.text = text;
        this.source = source;
        this.maxDepth = maxDepth;
        this.builder = builder;
        this.cancellationToken = cancellationToken;
        column = source.FirstColumn;
    }

    private JsonPosition Here => new(position, line, column);

    private bool AtEnd => position >= text.Length;

    private char Current => text[position];

    /// <summary>Reads the one JSON value that must fill <paramref name="text"/> (comments and white space aside).</summary>
    /// <param name="text">The text; a leading U+FEFF is skipped.</param>
    /// <param name="source">Where the text comes from, for the words of the messages.</param>
    /// <param name="maxDepth">How many objects and arrays may nest inside each other.</param>
    /// <param name="builder">Makes the nodes.</param>
    /// <param name="cancellationToken">Checked at each object and array.</param>
    /// <exception cref="JsonSyntaxException">The first thing that is not config JSON.</exception>
    public static TNode Read(string text, JsonSource source, int maxDepth, IJsonTreeBuilder<TNode, TMember> builder, CancellationToken cancellationToken = default)
    {
        var reader = new JsonSyntaxReader<TNode, TMember>(text, source, maxDepth, builder, cancellationToken);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            reader.position = 1;
        }

        return reader.ReadDocument();
    }

    private TNode ReadDocument()
    {
        SkipTrivia();
        if (AtEnd)
        {
            throw Error(Here, 0, source.IsCommandLine ? "expected a JSON value, but the argument is empty" : "expected a JSON value, but the file is empty or holds only comments");
        }

        var value = ReadValue(1, "a value");
        SkipTrivia();
        if (!AtEnd)
        {
            throw Error(Here, 1, $"expected {source.End} after the top-level value, but found {DescribeCurrent()}");
        }

        return value;
    }

    private TNode ReadValue(int depth, string expected)
    {
        SkipTrivia();
        if (AtEnd)
        {
            throw Error(Here, 0, $"expected {expected}, but found {source.End}");
        }

        var c = Current;
        switch (c)
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
                var start = Here;
                var value = ReadString();
                return builder.String(value, start, position);
            case '-' or '+' or '.':
                return ReadNumber();
            case '\'':
                throw Error(Here, 1, "strings must be in double quotes, not single quotes");
        }

        if (JsonNumberGrammar.IsDigit(c))
        {
            return ReadNumber();
        }

        if (IsWordStart(c))
        {
            return ReadLiteral();
        }

        throw Error(Here, 1, $"expected {expected}, but found {DescribeCurrent()}");
    }

    private TNode ReadObject(int depth)
    {
        var open = Here;
        EnterContainer(open, depth);
        Advance();
        var members = ImmutableArray.CreateBuilder<TMember>();
        Dictionary<string, JsonPosition>? seen = null;
        SkipTrivia();
        if (!AtEnd && Current == '}')
        {
            Advance();
            return builder.Object(members.ToImmutable(), open, position);
        }

        while (true)
        {
            if (AtEnd)
            {
                throw Error(Here, 0, $"expected a member name or '}}', but found {source.End} ({NotClosed('{', open)})");
            }

            if (Current != '"')
            {
                throw BadMemberName();
            }

            var nameStart = Here;
            var name = ReadString();
            var nameEnd = position;
            seen ??= new Dictionary<string, JsonPosition>(StringComparer.Ordinal);
            if (seen.TryGetValue(name, out var first))
            {
                throw Error(nameStart, nameEnd - nameStart.Offset, $"duplicate key \"{name}\" (first defined at {source.Place(first)})");
            }

            seen.Add(name, nameStart);
            SkipTrivia();
            if (AtEnd || Current != ':')
            {
                throw Error(Here, 1, $"expected ':' after the member name \"{name}\", but found {DescribeCurrent()}");
            }

            Advance();
            path.Add((name, -1));
            SkipTrivia();
            if (AtEnd)
            {
                throw Error(Here, 0, $"expected a value after ':', but found {source.End} ({NotClosed('{', open)})");
            }

            var value = ReadValue(depth + 1, "a value after ':'");
            path.RemoveAt(path.Count - 1);
            members.Add(builder.Member(name, nameStart, nameEnd, value));

            SkipTrivia();
            if (AtEnd)
            {
                throw Error(Here, 0, $"expected ',' or '}}' after a member, but found {source.End} ({NotClosed('{', open)})");
            }

            if (Current == ',')
            {
                Advance();
                SkipTrivia();
                if (!AtEnd && Current == '}')
                {
                    Advance();
                    break;
                }

                continue;
            }

            if (Current == '}')
            {
                Advance();
                break;
            }

            throw Error(Here, 1, $"expected ',' or '}}' after a member, but found {DescribeCurrent()}{(Current == ']' ? $" ({NotClosed('{', open)})" : "")}");
        }

        return builder.Object(members.ToImmutable(), open, position);
    }

    private TNode ReadArray(int depth)
    {
        var open = Here;
        EnterContainer(open, depth);
        Advance();
        var items = ImmutableArray.CreateBuilder<TNode>();
        SkipTrivia();
        if (!AtEnd && Current == ']')
        {
            Advance();
            return builder.Array(items.ToImmutable(), open, position);
        }

        while (true)
        {
            if (AtEnd)
            {
                throw Error(Here, 0, $"expected a value or ']', but found {source.End} ({NotClosed('[', open)})");
            }

            path.Add((null, items.Count));
            var value = ReadValue(depth + 1, items.Count == 0 ? "a value or ']'" : "a value or ']' after ','");
            path.RemoveAt(path.Count - 1);
            items.Add(value);

            SkipTrivia();
            if (AtEnd)
            {
                throw Error(Here, 0, $"expected ',' or ']' after an item, but found {source.End} ({NotClosed('[', open)})");
            }

            if (Current == ',')
            {
                Advance();
                SkipTrivia();
                if (!AtEnd && Current == ']')
                {
                    Advance();
                    break;
                }

                continue;
            }

            if (Current == ']')
            {
                Advance();
                break;
            }

            throw Error(Here, 1, $"expected ',' or ']' after an item, but found {DescribeCurrent()}{(Current == '}' ? $" ({NotClosed('[', open)})" : "")}");
        }

        return builder.Array(items.ToImmutable(), open, position);
    }

    private void EnterContainer(JsonPosition open, int depth)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (depth > maxDepth)
        {
            throw Error(open, 1, $"nesting is too deep: more than {maxDepth} levels of objects and arrays");
        }

        // Only reachable when a caller raised the depth limit far above the default.
        try
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
        }
        catch (InsufficientExecutionStackException)
        {
            throw Error(open, 1, "nesting is too deep for the stack; lower ConfigReaderLimits.MaxDepth");
        }
    }

    private JsonSyntaxException BadMemberName()
    {
        var start = Here;
        if (Current == '\'')
        {
            return Error(start, 1, "member names must be in double quotes, not single quotes");
        }

        if (IsWordStart(Current))
        {
            var word = ReadWord();
            return Error(start, position - start.Offset, $"member names must be in double quotes: write \"{word}\"");
        }

        return Error(start, 1, $"expected a member name in double quotes or '}}', but found {DescribeCurrent()}");
    }

    private TNode ReadLiteral()
    {
        var start = Here;
        var word = ReadWord();
        var length = position - start.Offset;
        return word switch
        {
            "true" => builder.Boolean(true, start, position),
            "false" => builder.Boolean(false, start, position),
            "null" => builder.Null(start, position),
            "True" or "False" => throw Error(start, length, $"unexpected '{word}': JSON spells it {word.ToLowerInvariant()}"),
            "None" => throw Error(start, length, "unexpected 'None': JSON spells it null"),
            "NaN" or "Infinity" => throw Error(start, length, $"'{word}' is not a JSON number"),
            _ => throw Error(start, length, $"unexpected '{word}': expected a value (strings must be in double quotes)"),
        };
    }

    private string ReadWord()
    {
        var start = position;
        while (!AtEnd && (IsWordStart(Current) || JsonNumberGrammar.IsDigit(Current)))
        {
            Advance();
        }

        return text.Substring(start, position - start);
    }

    private TNode ReadNumber()
    {
        var start = Here;

        // The whole run a reader would see as one token, so that "1.2.3" or "0x1F" is one bad
        // number rather than a number followed by junk.
        while (!AtEnd && (IsWordStart(Current) || JsonNumberGrammar.IsDigit(Current) || Current is '+' or '-' or '.'))
        {
            Advance();
        }

        var length = position - start.Offset;
        var literal = tokens.Get(text, start.Offset, length);
        if (JsonNumberGrammar.Problem(literal) is { } problem)
        {
            throw Error(start, length, $"invalid number '{literal}': {problem}");
        }

        // Python's json reads 1e999 as inf, which then flows silently into a learning rate; a
        // literal past a double's range is refused here, where the file and column are known.
        // (.NET Framework's TryParse fails on it, .NET Core's gives infinity: both are refused.)
        if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsInfinity(value))
        {
            throw Error(start, length, $"the number '{literal}' is out of range: config numbers must lie within a double's range (about ±1.8e308)");
        }

        return builder.Number(literal, start, position);
    }

    /// <summary>Reads the string at the current '"', leaving the position after its closing quote.</summary>
    private string ReadString()
    {
        var open = Here;
        Advance();
        StringBuilder? value = null;
        var runStart = position;
        while (true)
        {
            if (AtEnd)
            {
                throw Error(open, 1, $"unterminated string: the closing '\"' is missing before {source.End}");
            }

            var c = Current;
            if (c == '"')
            {
                var result = value is null
                    ? tokens.Get(text, runStart, position - runStart)
                    : value.Append(text, runStart, position - runStart).ToString();
                Advance();
                return result;
            }

            if (c == '\\')
            {
                value ??= new StringBuilder();
                value.Append(text, runStart, position - runStart);
                ReadEscape(value, open);
                runStart = position;
                continue;
            }

            if (c == '\n' || c == '\r')
            {
                throw Error(open, 1, "unterminated string: the closing '\"' is missing before the end of the line");
            }

            if (c < ' ')
            {
                throw Error(Here, 1, $"control character U+{(int)c:X4} must be escaped in a string");
            }

            if (char.IsSurrogate(c))
            {
                // Decoded UTF-8 never holds a lone surrogate; text handed over as a string can.
                if (!char.IsHighSurrogate(c) || position + 1 >= text.Length || !char.IsLowSurrogate(text[position + 1]))
                {
                    throw Error(Here, 1, $"unpaired UTF-16 surrogate U+{(int)c:X4} in a string");
                }

                Advance();
            }

            Advance();
        }
    }

    private void ReadEscape(StringBuilder value, JsonPosition open)
    {
        var at = Here;
        Advance();
        if (AtEnd)
        {
            throw Error(open, 1, $"unterminated string: the closing '\"' is missing before {source.End}");
        }

        var c = Current;
        switch (c)
        {
            case '"' or '\\' or '/':
                value.Append(c);
                break;
            case 'b':
                value.Append('\b');
                break;
            case 'f':
                value.Append('\f');
                break;
            case 'n':
                value.Append('\n');
                break;
            case 'r':
                value.Append('\r');
                break;
            case 't':
                value.Append('\t');
                break;
            case 'u':
                Advance();
                var code = ReadHex4(at);
                if (char.IsLowSurrogate(code))
                {
                    throw Error(at, position - at.Offset, $"unpaired surrogate '\\u{(int)code:X4}': a low surrogate must follow a high one (\\uD800-\\uDBFF)");
                }

                if (char.IsHighSurrogate(code))
                {
                    var low = '\0';
                    if (position + 1 < text.Length && text[position] == '\\' && text[position + 1] == 'u')
                    {
                        var lowAt = Here;
                        Advance();
                        Advance();
                        low = ReadHex4(lowAt);
                    }

                    if (!char.IsLowSurrogate(low))
                    {
                        throw Error(at, 6, $"unpaired surrogate '\\u{(int)code:X4}': a high surrogate must be followed by a \\uDC00-\\uDFFF escape");
                    }

                    value.Append(code).Append(low);
                    return;
                }

                value.Append(code);
                return;
            default:
                throw Error(at, 2, $"invalid escape '\\{DescribeRaw(c)}' in a string; the valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX (write a Windows path with '/' or '\\\\')");
        }

        Advance();
    }

    private char ReadHex4(JsonPosition at)
    {
        var value = 0;
        for (var k = 0; k < 4; k++)
        {
            var digit = AtEnd ? -1 : HexValue(Current);
            if (digit < 0)
            {
                throw Error(at, position - at.Offset, "invalid escape: '\\u' must be followed by 4 hex digits");
            }

            value = (value * 16) + digit;
            Advance();
        }

        return (char)value;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private void SkipTrivia()
    {
        while (!AtEnd)
        {
            var c = Current;
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                Advance();
            }
            else if (c == '/')
            {
                SkipComment();
            }
            else
            {
                return;
            }
        }
    }

    private void SkipComment()
    {
        var start = Here;
        var next = position + 1 < text.Length ? text[position + 1] : '\0';
        if (next == '/')
        {
            while (!AtEnd && Current != '\n' && Current != '\r')
            {
                Advance();
            }
        }
        else if (next == '*')
        {
            Advance();
            Advance();
            while (true)
            {
                if (AtEnd)
                {
                    throw Error(start, 2, $"unterminated comment: '/*' is not closed with '*/' before {source.End}");
                }

                if (Current == '*' && position + 1 < text.Length && text[position + 1] == '/')
                {
                    Advance();
                    Advance();
                    return;
                }

                Advance();
            }
        }
        else
        {
            throw Error(start, 1, "expected '//' or '/*' to start a comment after '/'");
        }
    }

    private void Advance()
    {
        JsonPosition.Step(text, position, ref line, ref column);
        position++;
    }

    private string NotClosed(char bracket, JsonPosition open) => $"the '{bracket}' at {source.BracketPlace(open)} is not closed";

    private string DescribeCurrent() => AtEnd ? source.End : Describe(Current);

    private static string Describe(char c) => c switch
    {
        '\'' => "\"'\"",
        ' ' => "a space",
        _ when c > ' ' && c < '\u007F' => $"'{c}'",
        _ when char.IsLetterOrDigit(c) || char.IsPunctuation(c) || char.IsSymbol(c) => $"'{c}' (U+{(int)c:X4})",
        _ => $"U+{(int)c:X4}",
    };

    private static string DescribeRaw(char c) => c > ' ' && c < '\u007F' ? c.ToString() : $"U+{(int)c:X4}";

    private static bool IsWordStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private JsonSyntaxException Error(JsonPosition at, int length, string detail)
    {
        var jsonPath = new StringBuilder(JsonPathText.Root);
        foreach (var (name, index) in path)
        {
            if (name is null)
            {
                JsonPathText.AppendItem(jsonPath, index);
            }
            else
            {
                JsonPathText.AppendMember(jsonPath, name);
            }
        }

        // Nothing to mark at the end of the text; never past it.
        return new JsonSyntaxException(at, Math.Max(0, Math.Min(length, text.Length - at.Offset)), jsonPath.ToString(), detail);
    }
}
