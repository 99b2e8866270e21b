using System.Text.Encodings.Web;
using System.Text.Json;
using ImageClassifier.Shared.Text;

namespace ImageClassifier.Generators.Tests.Shared.Text;

public sealed class MessageTextTests
{
    // The host quoted strings in messages with System.Text.Json until the analyzer, which may not
    // use it, needed the same words: the shared quoting must keep the host's output.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void Json_quoting_matches_system_text_json_for_every_utf16_code_unit()
    {
        var differences = Enumerable.Range(0, 0x10000)
            .Select(code => ((char)code).ToString())
            .Where(text => MessageText.JsonQuote(text) != JsonSerializer.Serialize(text, Relaxed))
            .Select(text => $"U+{(int)text[0]:X4}")
            .ToList();

        Assert.Empty(differences);
    }

    [Theory]
    [InlineData("label_relaxation")]
    [InlineData("C:\\data\t\"x\"")]
    [InlineData("a\U0001F600b")]
    [InlineData("caf\u00e9 \u00a0\u2028")]
    public void Json_quoting_matches_system_text_json_for_text(string text) =>
        Assert.Equal(JsonSerializer.Serialize(text, Relaxed), MessageText.JsonQuote(text));

    [Theory]
    [InlineData(new string[0], "")]
    [InlineData(new[] { "'a'" }, "'a'")]
    [InlineData(new[] { "'a'", "'b'" }, "'a' or 'b'")]
    [InlineData(new[] { "'a'", "'b'", "'c'" }, "'a', 'b' or 'c'")]
    public void Items_are_joined_with_or(string[] items, string expected) => Assert.Equal(expected, MessageText.JoinOr(items));

    [Theory]
    [InlineData("backbone", "a backbone")]
    [InlineData("image_encoder", "an image_encoder")]
    [InlineData("AvgPool config", "an AvgPool config")]
    public void Nouns_take_their_article(string noun, string expected) => Assert.Equal(expected, MessageText.WithArticle(noun));
}
