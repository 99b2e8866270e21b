using ImageClassifier.Shared.Json;

namespace ImageClassifier.Generators.Tests.Shared.Json;

public sealed class TokenTableTests
{
    [Fact]
    public void Equal_short_tokens_share_one_string()
    {
        var table = new TokenTable();
        const string Text = "\"depth\": 50, \"depth\": 50";

        var first = table.Get(Text, 1, 5);
        var second = table.Get(Text, 14, 5);

        Assert.Equal("depth", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Many_tokens_and_long_ones_keep_their_text()
    {
        var table = new TokenTable();
        var words = Enumerable.Range(0, 10_000).Select(index => $"member_{index}").Append(new string('x', 100)).ToList();
        var text = string.Concat(words);

        var offset = 0;
        foreach (var word in words)
        {
            Assert.Equal(word, table.Get(text, offset, word.Length));
            offset += word.Length;
        }

        Assert.Same(table.Get(text, 0, words[0].Length), table.Get("member_0", 0, 8));
    }
}
