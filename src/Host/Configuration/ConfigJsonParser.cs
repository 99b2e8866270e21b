using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// Recursive-descent reader for config JSON: comments (<c>//</c>, <c>/* */</c>) and trailing
/// commas are allowed, duplicate keys are not. Line and column are tracked as each character is
/// consumed, so locating a token costs nothing extra and the whole parse is linear.
/// </summary>
/// <remarks>
/// Written by hand rather than on Utf8JsonReader so every error can say what was expected at the
/// exact place (and name the bracket that was never closed); recursion stops at
/// <see cref="ConfigReaderLimits.MaxDepth"/>, so hostile nesting cannot overflow the stack.
/// </remarks>
internal sealed class ConfigJsonParser
{
    private readonly string text;
    private readonly string source;
    private readonly bool isCommandLine;
    private readonly int maxDepth;
    private readonly List<ConfigJsonPathSegment> path = [];
    private readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> tokenLookup;
    private int position;
    private int line = 1;
    private int column;

    private ConfigJsonParser(string text, string source, bool isCommandLine, int firstColumn, int maxDepth)
    {
        this.text = text;
        this.source = source;
        this.isCommandLine = isCommandLine;
        this.maxDepth = maxDepth;
        column = firstColumn;
        tokenLookup = tokens.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private SourceLocation Here => new(source, line, column, isCommandLine);

    private bool AtEnd => position >= text.Length;

    private char Current => text[position];

    private string EndDescription => isCommandLine ? "the end of the argument" : "the end of the file";

    /// <summary>Parses one JSON value that must fill <paramref name="text"/> (trivia aside).</summary>
    public static ConfigNode Parse(string text, string source, bool isCommandLine, int firstColumn, int maxDepth)
    {
        var parser = new ConfigJsonParser(text, source, isCommandLine, firstColumn, maxDepth);
        if (parser.text.Length > 0 && parser.text[0] == '\uFEFF')
        {
            parser.position = 1;
        }

        return parser.ParseDocument();
    }

    /// <summary>The 1-based line and column of <paramref name="index"/> in <paramref name="text"/>.</summary>
    public static (int Line, int Column) LineAndColumn(ReadOnlySpan<char> text, int index)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                column = 1;
            }
            else if (c != '\r' && !char.IsLowSurrogate(c))
            {
                column++;
            }
        }

        return (line, column);
    }

    private ConfigNode ParseDocument()
    {
        SkipTrivia();
        if (AtEnd)
        {
            throw Error(Here, isCommandLine ? "expected a JSON value, but the argument is empty" : "expected a JSON value, but the file is empty or holds only comments");
        }

        var value = ParseValue(1, "a value");
        SkipTrivia();
        if (!AtEnd)
        {
            throw Error(Here, $"expected {EndDescription} after the top-level value, but found {DescribeCurrent()}");
        }

        return value;
    }

    private ConfigNode ParseValue(int depth, string expected)
    {
        SkipTrivia();
        if (AtEnd)
        {
            throw Error(Here, $"expected {expected}, but found {EndDescription}");
        }

        var c = Current;
        switch (c)
        {
            case '{':
                return ParseObject(depth);
            case '[':
                return ParseArray(depth);
            case '"':
                var location = Here;
                return new ConfigString(ReadString(), location);
            case '-' or '+' or '.':
                return ParseNumber();
            case '\'':
                throw Error(Here, "strings must be in double quotes, not single quotes");
        }

        if (char.IsAsciiDigit(c))
        {
            return ParseNumber();
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            return ParseWord();
        }

        throw Error(Here, $"expected {expected}, but found {DescribeCurrent()}");
    }

    private ConfigObject ParseObject(int depth)
    {
        var open = Here;
        EnterContainer(open, depth);
        Advance();
        var members = ImmutableArray.CreateBuilder<ConfigMember>();
        Dictionary<string, SourceLocation>? seen = null;
        SkipTrivia();
        if (!AtEnd && Current == '}')
        {
            Advance();
            return new ConfigObject(members.ToImmutable(), open);
        }

        while (true)
        {
            if (AtEnd)
            {
                throw Error(Here, $"expected a member name or '}}', but found {EndDescription} ({NotClosed('{', open)})");
            }

            if (Current != '"')
            {
                throw BadMemberName();
            }

            var nameLocation = Here;
            var name = ReadString();
            seen ??= new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            if (!seen.TryAdd(name, nameLocation))
            {
                throw Error(nameLocation, $"duplicate key \"{name}\" (first defined at {seen[name]})");
            }

            SkipTrivia();
            if (AtEnd || Current != ':')
            {
                throw Error(Here, $"expected ':' after the member name \"{name}\", but found {DescribeCurrent()}");
            }

            Advance();
            path.Add(ConfigJsonPathSegment.Member(name));
            SkipTrivia();
            if (AtEnd)
            {
                throw Error(Here, $"expected a value after ':', but found {EndDescription} ({NotClosed('{', open)})");
            }

            var value = ParseValue(depth + 1, "a value after ':'");
            path.RemoveAt(path.Count - 1);
            members.Add(new ConfigMember(name, nameLocation, value));

            SkipTrivia();
            if (AtEnd)
            {
                throw Error(Here, $"expected ',' or '}}' after a member, but found {EndDescription} ({NotClosed('{', open)})");
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

            throw Error(Here, $"expected ',' or '}}' after a member, but found {DescribeCurrent()}{(Current == ']' ? $" ({NotClosed('{', open)})" : "")}");
        }

        return new ConfigObject(members.ToImmutable(), open);
    }

    private ConfigArray ParseArray(int depth)
    {
        var open = Here;
        EnterContainer(open, depth);
        Advance();
        var items = ImmutableArray.CreateBuilder<ConfigNode>();
        SkipTrivia();
        if (!AtEnd && Current == ']')
        {
            Advance();
            return new ConfigArray(items.ToImmutable(), open);
        }

        while (true)
        {
            if (AtEnd)
            {
                throw Error(Here, $"expected a value or ']', but found {EndDescription} ({NotClosed('[', open)})");
            }

            path.Add(ConfigJsonPathSegment.Item(items.Count));
            var value = ParseValue(depth + 1, items.Count == 0 ? "a value or ']'" : "a value or ']' after ','");
            path.RemoveAt(path.Count - 1);
            items.Add(value);

            SkipTrivia();
            if (AtEnd)
            {
                throw Error(Here, $"expected ',' or ']' after an item, but found {EndDescription} ({NotClosed('[', open)})");
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

            throw Error(Here, $"expected ',' or ']' after an item, but found {DescribeCurrent()}{(Current == '}' ? $" ({NotClosed('[', open)})" : "")}");
        }

        return new ConfigArray(items.ToImmutable(), open);
    }

    private void EnterContainer(SourceLocation open, int depth)
    {
        if (depth > maxDepth)
        {
            throw Error(open, $"nesting is too deep: more than {maxDepth} levels of objects and arrays");
        }

        // Only reachable when a caller raised MaxDepth far above the default.
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error(open, "nesting is too deep for the stack; lower ConfigReaderLimits.MaxDepth");
        }
    }

    private ConfigException BadMemberName()
    {
        var location = Here;
        if (Current == '\'')
        {
            return Error(location, "member names must be in double quotes, not single quotes");
        }

        if (char.IsAsciiLetter(Current) || Current == '_')
        {
            var word = ReadWord();
            return Error(location, $"member names must be in double quotes: write \"{word}\"");
        }

        return Error(location, $"expected a member name in double quotes or '}}', but found {DescribeCurrent()}");
    }

    private ConfigNode ParseWord()
    {
        var location = Here;
        var word = ReadWord();
        return word switch
        {
            "true" => new ConfigBoolean(true, location),
            "false" => new ConfigBoolean(false, location),
            "null" => new ConfigNull(location),
            "True" or "False" => throw Error(location, $"unexpected '{word}': JSON spells it {word.ToLowerInvariant()}"),
            "None" => throw Error(location, "unexpected 'None': JSON spells it null"),
            "NaN" or "Infinity" => throw Error(location, $"'{word}' is not a JSON number"),
            _ => throw Error(location, $"unexpected '{word}': expected a value (strings must be in double quotes)"),
        };
    }

    private string ReadWord()
    {
        var start = position;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current == '_'))
        {
            Advance();
        }

        return text[start..position];
    }

    private ConfigNumber ParseNumber()
    {
        var location = Here;
        var start = position;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current is '+' or '-' or '.' or '_'))
        {
            Advance();
        }

        var literal = Token(start, position - start);
        var problem = NumberProblem(literal);
        if (problem is not null)
        {
            throw Error(location, $"invalid number '{literal}': {problem}");
        }

        // Python's json reads 1e999 as inf, which then flows silently into a learning rate; a
        // literal past a double's range is refused here, where the file and column are known.
        var number = new ConfigNumber(literal, location);
        if (!double.IsFinite(number.GetDouble()))
        {
            throw Error(location, $"the number '{literal}' is out of range: config numbers must lie within a double's range (about ±1.8e308)");
        }

        return number;
    }

    /// <summary>Checks the JSON number grammar; returns what is wrong, or null.</summary>
    internal static string? NumberProblem(string literal)
    {
        var i = 0;
        var n = literal.Length;
        if (literal[0] == '+')
        {
            return "a number cannot start with '+'";
        }

        if (literal[0] == '-')
        {
            i++;
        }

        if (i == n)
        {
            return "a digit must follow '-'";
        }

        if (literal[i] == '.')
        {
            return "a digit is required before '.' (write 0.5, not .5)";
        }

        if (literal[i] == '0')
        {
            i++;
            if (i < n && char.IsAsciiDigit(literal[i]))
            {
                return "leading zeros are not allowed";
            }

            if (i < n && (literal[i] == 'x' || literal[i] == 'X'))
            {
                return "hexadecimal numbers are not allowed in JSON";
            }
        }
        else if (char.IsAsciiDigit(literal[i]))
        {
            while (i < n && char.IsAsciiDigit(literal[i]))
            {
                i++;
            }
        }
        else
        {
            return "a digit is expected";
        }

        if (i < n && literal[i] == '.')
        {
            i++;
            if (i == n || !char.IsAsciiDigit(literal[i]))
            {
                return "a digit is required after '.'";
            }

            while (i < n && char.IsAsciiDigit(literal[i]))
            {
                i++;
            }
        }

        if (i < n && (literal[i] == 'e' || literal[i] == 'E'))
        {
            i++;
            if (i < n && (literal[i] == '+' || literal[i] == '-'))
            {
                i++;
            }

            if (i == n || !char.IsAsciiDigit(literal[i]))
            {
                return "a digit is required in the exponent";
            }

            while (i < n && char.IsAsciiDigit(literal[i]))
            {
                i++;
            }
        }

        if (i < n)
        {
            return literal[i] == '_' ? "'_' digit separators are not allowed" : $"unexpected '{literal[i]}'";
        }

        return null;
    }

    private string ReadString()
    {
        var open = Here;
        Advance();
        StringBuilder? builder = null;
        var runStart = position;
        while (true)
        {
            if (AtEnd)
            {
                throw Error(open, $"unterminated string: the closing '\"' is missing before {EndDescription}");
            }

            var c = Current;
            if (c == '"')
            {
                var value = builder is null
                    ? Token(runStart, position - runStart)
                    : builder.Append(text, runStart, position - runStart).ToString();
                Advance();
                return value;
            }

            if (c == '\\')
            {
                builder ??= new StringBuilder();
                builder.Append(text, runStart, position - runStart);
                ReadEscape(builder, open);
                runStart = position;
                continue;
            }

            if (c == '\n' || c == '\r')
            {
                throw Error(open, "unterminated string: the closing '\"' is missing before the end of the line");
            }

            if (c < ' ')
            {
                throw Error(Here, $"control character U+{(int)c:X4} must be escaped in a string");
            }

            if (char.IsSurrogate(c))
            {
                // Only a string handed to Parse(string) can get here: decoded UTF-8 never holds a lone surrogate.
                if (!char.IsHighSurrogate(c) || position + 1 >= text.Length || !char.IsLowSurrogate(text[position + 1]))
                {
                    throw Error(Here, $"unpaired UTF-16 surrogate U+{(int)c:X4} in a string");
                }

                Advance();
            }

            Advance();
        }
    }

    private void ReadEscape(StringBuilder builder, SourceLocation open)
    {
        var at = Here;
        Advance();
        if (AtEnd)
        {
            throw Error(open, $"unterminated string: the closing '\"' is missing before {EndDescription}");
        }

        var c = Current;
        switch (c)
        {
            case '"' or '\\' or '/':
                builder.Append(c);
                break;
            case 'b':
                builder.Append('\b');
                break;
            case 'f':
                builder.Append('\f');
                break;
            case 'n':
                builder.Append('\n');
                break;
            case 'r':
                builder.Append('\r');
                break;
            case 't':
                builder.Append('\t');
                break;
            case 'u':
                Advance();
                var code = ReadHex4(at);
                if (char.IsLowSurrogate(code))
                {
                    throw Error(at, $"unpaired surrogate '\\u{(int)code:X4}': a low surrogate must follow a high one (\\uD800-\\uDBFF)");
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
                        throw Error(at, $"unpaired surrogate '\\u{(int)code:X4}': a high surrogate must be followed by a \\uDC00-\\uDFFF escape");
                    }

                    builder.Append(code).Append(low);
                    return;
                }

                builder.Append(code);
                return;
            default:
                throw Error(at, $"invalid escape '\\{DescribeRaw(c)}' in a string; the valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX (write a Windows path with '/' or '\\\\')");
        }

        Advance();
    }

    private char ReadHex4(SourceLocation at)
    {
        var value = 0;
        for (var k = 0; k < 4; k++)
        {
            if (AtEnd || !char.IsAsciiHexDigit(Current))
            {
                throw Error(at, "invalid escape: '\\u' must be followed by 4 hex digits");
            }

            var digit = Current;
            value = (value * 16) + (digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
            Advance();
        }

        return (char)value;
    }

    /// <summary>
    /// The text of a short token, shared between equal tokens: a large file repeats the same
    /// member names and small numbers many times over.
    /// </summary>
    private string Token(int start, int length)
    {
        const int MaxSharedLength = 32;
        const int MaxSharedTokens = 4096;
        var span = text.AsSpan(start, length);
        if (length > MaxSharedLength)
        {
            return span.ToString();
        }

        if (tokenLookup.TryGetValue(span, out var shared))
        {
            return shared;
        }

        var token = span.ToString();
        if (tokens.Count < MaxSharedTokens)
        {
            tokens.Add(token, token);
        }

        return token;
    }

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
                    throw Error(start, $"unterminated comment: '/*' is not closed with '*/' before {EndDescription}");
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
            throw Error(start, "expected '//' or '/*' to start a comment after '/'");
        }
    }

    private void Advance()
    {
        var c = text[position++];
        if (c == '\n' || (c == '\r' && (position >= text.Length || text[position] != '\n')))
        {
            line++;
            column = 1;
        }
        else if (c != '\r' && !char.IsLowSurrogate(c))
        {
            column++;
        }
    }

    private string NotClosed(char bracket, SourceLocation open) =>
        isCommandLine ? $"the '{bracket}' at column {open.Column} is not closed" : $"the '{bracket}' at {open.Line}:{open.Column} is not closed";

    private string DescribeCurrent() => AtEnd ? EndDescription : Describe(Current);

    private static string Describe(char c) => c switch
    {
        '\'' => "\"'\"",
        ' ' => "a space",
        _ when c > ' ' && c < '\u007F' => $"'{c}'",
        _ when char.IsLetterOrDigit(c) || char.IsPunctuation(c) || char.IsSymbol(c) => $"'{c}' (U+{(int)c:X4})",
        _ => $"U+{(int)c:X4}",
    };

    private static string DescribeRaw(char c) => c > ' ' && c < '\u007F' ? c.ToString() : $"U+{(int)c:X4}";

    private ConfigException Error(SourceLocation location, string detail) =>
        new(location, ConfigJsonPath.Format(path), detail);
}
