using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ImageClassifier.Generators.Json;

/// <summary>The outcome of reading a config file: its top-level value, or the first syntax error.</summary>
internal sealed class JsonReadResult
{
    private JsonReadResult(JsonValue? root, string? error, TextSpan errorSpan)
    {
        Root = root;
        Error = error;
        ErrorSpan = errorSpan;
    }

    public JsonValue? Root { get; }

    /// <summary>What is wrong, worded for the ICG017 message; null when the file was read.</summary>
    public string? Error { get; }

    /// <summary>Where the error is: the offending token, or an empty span at the end of the text.</summary>
    public TextSpan ErrorSpan { get; }

    public static JsonReadResult Success(JsonValue root) => new(root, null, default);

    public static JsonReadResult Failure(string error, TextSpan span) => new(null, error, span);
}

/// <summary>
/// Reads config JSON the way the host's config loader does: standard JSON plus <c>//</c> and
/// <c>/* */</c> comments and trailing commas; a repeated member name, single quotes, Python
/// literals (<c>True</c>, <c>None</c>), <c>NaN</c>, hexadecimal or <c>+</c>-signed numbers and
/// nesting deeper than <see cref="MaxDepth"/> are errors. Every value keeps its span.
/// </summary>
/// <remarks>
/// The generator targets netstandard2.0 and may bring no package, so System.Text.Json is not
/// available to it; and a compile-time check must accept exactly what the runtime accepts.
/// </remarks>
internal sealed class JsonReader
{
    /// <summary>The host's default limit (ConfigReaderLimits.MaxDepth).</summary>
    public const int MaxDepth = 64;

    private readonly string _text;
    private readonly SourceText _source;
    private readonly CancellationToken _cancellationToken;
    private int _position;

    private JsonReader(SourceText source, CancellationToken cancellationToken)
    {
        _source = source;
        _text = source.ToString();
        _cancellationToken = cancellationToken;
    }

    private bool AtEnd => _position >= _text.Length;

    private char Current => _text[_position];

    /// <summary>Reads <paramref name="source"/> as one JSON value.</summary>
    public static JsonReadResult Read(SourceText source, CancellationToken cancellationToken = default)
    {
        var reader = new JsonReader(source, cancellationToken);
        try
        {
            return JsonReadResult.Success(reader.ReadDocument());
        }
        catch (SyntaxError error)
        {
            return JsonReadResult.Failure(error.Message, error.Span);
        }
    }

    private JsonValue ReadDocument()
    {
        // A byte order mark that survived decoding is not content.
        if (!AtEnd && Current == '\uFEFF')
        {
            _position++;
        }

        SkipTrivia();
        if (AtEnd)
        {
            throw Error(Here(0), "the file holds no JSON value (it is empty or only comments); write the config object");
        }

        var root = ReadValue(depth: 1, "a value");
        SkipTrivia();
        if (!AtEnd)
        {
            throw Error(Here(1), $"expected the end of the file after the top-level value, but found {DescribeCurrent()}; a file holds one value");
        }

        return root;
    }

    private JsonValue ReadValue(int depth, string expected)
    {
        SkipTrivia();
        if (AtEnd)
        {
            throw Error(Here(0), $"expected {expected}, but found the end of the file");
        }

        switch (Current)
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
                var start = _position;
                var text = ReadString();
                return new JsonString(TextSpan.FromBounds(start, _position), text);
            case '\'':
                throw Error(Here(1), "strings take double quotes, not single quotes");
            case '-' or '+' or '.':
                return ReadNumber();
        }

        if (IsDigit(Current))
        {
            return ReadNumber();
        }

        if (IsWordStart(Current))
        {
            return ReadWord();
        }

        throw Error(Here(1), $"expected {expected}, but found {DescribeCurrent()}");
    }

    private JsonObject ReadObject(int depth)
    {
        var open = _position;
        Enter(depth, open);
        _position++;
        var members = ImmutableArray.CreateBuilder<JsonMember>();
        var seen = new Dictionary<string, TextSpan>(StringComparer.Ordinal);
        SkipTrivia();
        if (!AtEnd && Current == '}')
        {
            _position++;
            return new JsonObject(TextSpan.FromBounds(open, _position), members.ToImmutable());
        }

        while (true)
        {
            if (AtEnd)
            {
                throw Error(Here(0), $"expected a member name, but found the end of the file ({NotClosed('{', open)})");
            }

            if (Current != '"')
            {
                throw BadMemberName();
            }

            var nameStart = _position;
            var name = ReadString();
            var nameSpan = TextSpan.FromBounds(nameStart, _position);
            if (seen.TryGetValue(name, out var first))
            {
                throw Error(nameSpan, $"the member \"{name}\" appears twice in this object (first at {LineAndColumn(first.Start)}); keep one");
            }

            seen.Add(name, nameSpan);
            SkipTrivia();
            if (AtEnd || Current != ':')
            {
                throw Error(Here(AtEnd ? 0 : 1), $"expected ':' after the member name \"{name}\", but found {DescribeCurrent()}");
            }

            _position++;
            var value = ReadValue(depth + 1, "a value after ':'");
            members.Add(new JsonMember(name, nameSpan, value));

            SkipTrivia();
            if (AtEnd)
            {
                throw Error(Here(0), $"expected ',' or '}}' after a member, but found the end of the file ({NotClosed('{', open)})");
            }

            if (Current == '}')
            {
                _position++;
                break;
            }

            if (Current != ',')
            {
                throw Error(Here(1), $"expected ',' or '}}' after a member, but found {DescribeCurrent()}");
            }

            _position++;
            SkipTrivia();

            // A trailing comma is allowed.
            if (!AtEnd && Current == '}')
            {
                _position++;
                break;
            }
        }

        return new JsonObject(TextSpan.FromBounds(open, _position), members.ToImmutable());
    }

    private JsonArray ReadArray(int depth)
    {
        var open = _position;
        Enter(depth, open);
        _position++;
        var items = ImmutableArray.CreateBuilder<JsonValue>();
        SkipTrivia();
        if (!AtEnd && Current == ']')
        {
            _position++;
            return new JsonArray(TextSpan.FromBounds(open, _position), items.ToImmutable());
        }

        while (true)
        {
            if (AtEnd)
            {
                throw Error(Here(0), $"expected a value, but found the end of the file ({NotClosed('[', open)})");
            }

            items.Add(ReadValue(depth + 1, items.Count == 0 ? "a value or ']'" : "a value after ','"));
            SkipTrivia();
            if (AtEnd)
            {
                throw Error(Here(0), $"expected ',' or ']' after an item, but found the end of the file ({NotClosed('[', open)})");
            }

            if (Current == ']')
            {
                _position++;
                break;
            }

            if (Current != ',')
            {
                throw Error(Here(1), $"expected ',' or ']' after an item, but found {DescribeCurrent()}");
            }

            _position++;
            SkipTrivia();
            if (!AtEnd && Current == ']')
            {
                _position++;
                break;
            }
        }

        return new JsonArray(TextSpan.FromBounds(open, _position), items.ToImmutable());
    }

    private void Enter(int depth, int open)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (depth > MaxDepth)
        {
            throw Error(new TextSpan(open, 1), $"nesting is too deep: more than {MaxDepth} levels of objects and lists");
        }
    }

    private SyntaxError BadMemberName()
    {
        if (Current == '\'')
        {
            return Error(Here(1), "member names take double quotes, not single quotes");
        }

        if (IsWordStart(Current))
        {
            var start = _position;
            var word = ReadWordText();
            return Error(TextSpan.FromBounds(start, _position), $"member names take double quotes: write \"{word}\"");
        }

        return Error(Here(1), $"expected a member name in double quotes or '}}', but found {DescribeCurrent()}");
    }

    private JsonValue ReadWord()
    {
        var start = _position;
        var word = ReadWordText();
        var span = TextSpan.FromBounds(start, _position);
        return word switch
        {
            "true" => new JsonBoolean(span, true),
            "false" => new JsonBoolean(span, false),
            "null" => new JsonNull(span),
            "True" or "False" => throw Error(span, $"'{word}' is Python; JSON writes {word.ToLowerInvariant()}"),
            "None" => throw Error(span, "'None' is Python; JSON writes null"),
            "NaN" or "Infinity" => throw Error(span, $"'{word}' is not a JSON number"),
            _ => throw Error(span, $"unexpected '{word}': a value is a number, true, false, null, an object, a list or a string in double quotes"),
        };
    }

    private string ReadWordText()
    {
        var start = _position;
        while (!AtEnd && (IsWordStart(Current) || IsDigit(Current)))
        {
            _position++;
        }

        return _text.Substring(start, _position - start);
    }

    private JsonNumber ReadNumber()
    {
        var start = _position;

        // Take the whole run a reader would see as one token, so that "1.2.3" or "0x1F" is
        // reported as one bad number rather than as a number followed by junk.
        while (!AtEnd && (IsWordStart(Current) || IsDigit(Current) || Current is '+' or '-' or '.'))
        {
            _position++;
        }

        var literal = _text.Substring(start, _position - start);
        var span = TextSpan.FromBounds(start, _position);
        if (NumberProblem(literal) is { } problem)
        {
            throw Error(span, $"'{literal}' is not a valid number: {problem}");
        }

        return new JsonNumber(span, literal);
    }

    /// <summary>Why <paramref name="literal"/> is not a JSON number, or null when it is one.</summary>
    private static string? NumberProblem(string literal)
    {
        var index = 0;
        if (literal[0] == '+')
        {
            return "JSON numbers take no '+' sign";
        }

        if (literal[0] == '-')
        {
            index++;
        }

        if (index == literal.Length || !IsDigit(literal[index]))
        {
            return index < literal.Length && literal[index] == '.'
                ? "write a digit before the '.' (0.5, not .5)"
                : "a digit must come first";
        }

        if (literal[index] == '0' && index + 1 < literal.Length)
        {
            if (literal[index + 1] is 'x' or 'X')
            {
                return "JSON has no hexadecimal numbers";
            }

            if (IsDigit(literal[index + 1]))
            {
                return "JSON numbers have no leading zeros";
            }
        }

        index = SkipDigits(literal, index);
        if (index < literal.Length && literal[index] == '.')
        {
            var fractionStart = index + 1;
            index = SkipDigits(literal, fractionStart);
            if (index == fractionStart)
            {
                return "write a digit after the '.'";
            }
        }

        if (index < literal.Length && literal[index] is 'e' or 'E')
        {
            index++;
            if (index < literal.Length && literal[index] is '+' or '-')
            {
                index++;
            }

            var exponentStart = index;
            index = SkipDigits(literal, exponentStart);
            if (index == exponentStart)
            {
                return "the exponent needs digits";
            }
        }

        if (index < literal.Length)
        {
            return literal[index] == '_' ? "JSON numbers have no '_' separators" : $"'{literal[index]}' cannot follow";
        }

        return null;
    }

    private static int SkipDigits(string text, int index)
    {
        while (index < text.Length && IsDigit(text[index]))
        {
            index++;
        }

        return index;
    }

    /// <summary>Reads the string at the current '"', leaving the position after its closing quote.</summary>
    private string ReadString()
    {
        var open = _position;
        _position++;
        var builder = new StringBuilder();
        while (true)
        {
            if (AtEnd)
            {
                throw Error(new TextSpan(open, 1), "this string is not closed: the closing '\"' is missing before the end of the file");
            }

            var character = Current;
            switch (character)
            {
                case '"':
                    _position++;
                    return builder.ToString();
                case '\\':
                    ReadEscape(builder);
                    continue;
                case '\n' or '\r':
                    throw Error(new TextSpan(open, 1), "this string is not closed: the closing '\"' is missing before the end of the line");
                case < ' ':
                    throw Error(Here(1), $"the control character U+{(int)character:X4} must be escaped in a string");
            }

            if (char.IsSurrogate(character))
            {
                if (!char.IsHighSurrogate(character) || _position + 1 >= _text.Length || !char.IsLowSurrogate(_text[_position + 1]))
                {
                    throw Error(Here(1), $"the unpaired UTF-16 surrogate U+{(int)character:X4} is not text");
                }

                builder.Append(character);
                _position++;
                character = Current;
            }

            builder.Append(character);
            _position++;
        }
    }

    private void ReadEscape(StringBuilder builder)
    {
        var start = _position;
        _position++;
        if (AtEnd)
        {
            throw Error(new TextSpan(start, 1), "this string is not closed: the file ends inside an escape");
        }

        var escaped = Current;
        _position++;
        switch (escaped)
        {
            case '"' or '\\' or '/':
                builder.Append(escaped);
                return;
            case 'b':
                builder.Append('\b');
                return;
            case 'f':
                builder.Append('\f');
                return;
            case 'n':
                builder.Append('\n');
                return;
            case 'r':
                builder.Append('\r');
                return;
            case 't':
                builder.Append('\t');
                return;
            case 'u':
                break;
            default:
                throw Error(
                    TextSpan.FromBounds(start, _position),
                    $"'\\{escaped}' is not a JSON escape; use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX (a Windows path takes '/' or '\\\\')");
        }

        var code = ReadHex(start);
        if (char.IsLowSurrogate(code))
        {
            throw Error(TextSpan.FromBounds(start, _position), $"'\\u{(int)code:X4}' is half of a surrogate pair whose first half is missing");
        }

        if (char.IsHighSurrogate(code))
        {
            if (_position + 1 < _text.Length && _text[_position] == '\\' && _text[_position + 1] == 'u')
            {
                var lowStart = _position;
                _position += 2;
                var low = ReadHex(lowStart);
                if (char.IsLowSurrogate(low))
                {
                    builder.Append(code).Append(low);
                    return;
                }
            }

            throw Error(new TextSpan(start, 6), $"'\\u{(int)code:X4}' is half of a surrogate pair: a \\uDC00-\\uDFFF escape must follow it");
        }

        builder.Append(code);
    }

    private char ReadHex(int escapeStart)
    {
        var value = 0;
        for (var digit = 0; digit < 4; digit++)
        {
            var nibble = AtEnd ? -1 : HexValue(Current);
            if (nibble < 0)
            {
                throw Error(TextSpan.FromBounds(escapeStart, _position), "'\\u' must be followed by four hexadecimal digits");
            }

            value = (value * 16) + nibble;
            _position++;
        }

        return (char)value;
    }

    private static int HexValue(char character) => character switch
    {
        >= '0' and <= '9' => character - '0',
        >= 'a' and <= 'f' => character - 'a' + 10,
        >= 'A' and <= 'F' => character - 'A' + 10,
        _ => -1,
    };

    private void SkipTrivia()
    {
        while (!AtEnd)
        {
            switch (Current)
            {
                case ' ' or '\t' or '\n' or '\r':
                    _position++;
                    break;
                case '/':
                    SkipComment();
                    break;
                default:
                    return;
            }
        }
    }

    private void SkipComment()
    {
        var start = _position;
        var next = _position + 1 < _text.Length ? _text[_position + 1] : '\0';
        if (next == '/')
        {
            while (!AtEnd && Current is not '\n' and not '\r')
            {
                _position++;
            }

            return;
        }

        if (next != '*')
        {
            throw Error(new TextSpan(start, 1), "a '/' must start a comment, '//' or '/*'");
        }

        var end = _text.IndexOf("*/", start + 2, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error(new TextSpan(start, 2), "this comment is not closed: '/*' has no '*/' before the end of the file");
        }

        _position = end + 2;
    }

    private TextSpan Here(int length) => new(_position, AtEnd ? 0 : length);

    private string DescribeCurrent()
    {
        if (AtEnd)
        {
            return "the end of the file";
        }

        var character = Current;
        return character switch
        {
            ' ' => "a space",
            '\'' => "\"'\"",
            > ' ' and < '\u007F' => $"'{character}'",
            _ => $"U+{(int)character:X4}",
        };
    }

    private string NotClosed(char bracket, int open) => $"the '{bracket}' at {LineAndColumn(open)} is not closed";

    private string LineAndColumn(int position)
    {
        var line = _source.Lines.GetLinePosition(position);
        return $"line {line.Line + 1}, column {line.Character + 1}";
    }

    private static bool IsDigit(char character) => character is >= '0' and <= '9';

    private static bool IsWordStart(char character) => character is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static SyntaxError Error(TextSpan span, string message) => new(span, message);

    /// <summary>Unwinds the reader to <see cref="Read"/> at the first error.</summary>
    private sealed class SyntaxError(TextSpan span, string message) : Exception(message)
    {
        public TextSpan Span { get; } = span;
    }
}
