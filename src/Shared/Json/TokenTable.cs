namespace ImageClassifier.Shared.Json;

/// <summary>
/// Shares the text of short tokens between equal ones while one text is read: a large config
/// repeats the same member names and small numbers many times over.
/// </summary>
/// <remarks>
/// A small open-addressing table over (text, start, length), so that a token already seen costs
/// no allocation; written by hand because netstandard2.0 has no span look-up into a dictionary.
/// </remarks>
internal sealed class TokenTable
{
    private const int MaxSharedLength = 32;
    private const int MaxSharedTokens = 4096;

    private string?[] slots = new string?[64];
    private int count;

    /// <summary>The text of <paramref name="length"/> characters of <paramref name="text"/> from <paramref name="start"/>.</summary>
    public string Get(string text, int start, int length)
    {
        if (length > MaxSharedLength)
        {
            return text.Substring(start, length);
        }

        var hash = Hash(text, start, length);
        var mask = slots.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var slot = slots[i];
            if (slot is null)
            {
                var token = text.Substring(start, length);
                if (count < MaxSharedTokens)
                {
                    slots[i] = token;
                    count++;
                    if (count * 2 > slots.Length)
                    {
                        Grow();
                    }
                }

                return token;
            }

            if (slot.Length == length && string.CompareOrdinal(slot, 0, text, start, length) == 0)
            {
                return slot;
            }
        }
    }

    private void Grow()
    {
        var old = slots;
        slots = new string?[old.Length * 2];
        var mask = slots.Length - 1;
        foreach (var token in old)
        {
            if (token is null)
            {
                continue;
            }

            var i = Hash(token, 0, token.Length) & mask;
            while (slots[i] is not null)
            {
                i = (i + 1) & mask;
            }

            slots[i] = token;
        }
    }

    private static int Hash(string text, int start, int length)
    {
        // FNV-1a: cheap, and spreads the short keys of a config well enough.
        unchecked
        {
            var hash = (int)2166136261;
            for (var i = start; i < start + length; i++)
            {
                hash = (hash ^ text[i]) * 16777619;
            }

            return hash & int.MaxValue;
        }
    }
}
