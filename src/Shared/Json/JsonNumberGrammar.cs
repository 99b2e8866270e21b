namespace ImageClassifier.Shared.Json;

/// <summary>The JSON number grammar, with the reason a literal breaks it.</summary>
internal static class JsonNumberGrammar
{
    /// <summary>What is wrong with <paramref name="literal"/> as a JSON number, or null when it is one.</summary>
    public static string? Problem(string literal)
    {
        var i = 0;
        var n = literal.Length;
        if (n == 0)
        {
            return "a digit is expected";
        }

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
            if (i < n && IsDigit(literal[i]))
            {
                return "leading zeros are not allowed";
            }

            if (i < n && (literal[i] == 'x' || literal[i] == 'X'))
            {
                return "hexadecimal numbers are not allowed in JSON";
            }
        }
        else if (IsDigit(literal[i]))
        {
            i = SkipDigits(literal, i);
        }
        else
        {
            return "a digit is expected";
        }

        if (i < n && literal[i] == '.')
        {
            i++;
            if (i == n || !IsDigit(literal[i]))
            {
                return "a digit is required after '.'";
            }

            i = SkipDigits(literal, i);
        }

        if (i < n && (literal[i] == 'e' || literal[i] == 'E'))
        {
            i++;
            if (i < n && (literal[i] == '+' || literal[i] == '-'))
            {
                i++;
            }

            if (i == n || !IsDigit(literal[i]))
            {
                return "a digit is required in the exponent";
            }

            i = SkipDigits(literal, i);
        }

        if (i < n)
        {
            return literal[i] == '_' ? "'_' digit separators are not allowed" : $"unexpected '{literal[i]}'";
        }

        return null;
    }

    public static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static int SkipDigits(string text, int index)
    {
        while (index < text.Length && IsDigit(text[index]))
        {
            index++;
        }

        return index;
    }
}
