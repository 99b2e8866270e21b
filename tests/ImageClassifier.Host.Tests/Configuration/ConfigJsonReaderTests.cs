using System.Text;
using ImageClassifier.Hosting.Configuration;

namespace ImageClassifier.Hosting.Tests.Configuration;

public sealed class ConfigJsonReaderTests
{
    private const string Source = "configs/a.json";

    [Fact]
    public void Parse_gives_every_node_and_member_name_its_line_and_column()
    {
        var root = (ConfigObject)ConfigJsonReader.Parse(
            "{\n  \"model\": {\n    \"depth\": 50,\n    \"out_indices\": [3, \"x\", true, null]\n  }\n}",
            Source);

        Assert.Equal(new SourceLocation(Source, 1, 1), root.Location);
        var model = Assert.Single(root.Members);
        Assert.Equal("model", model.Name);
        Assert.Equal(new SourceLocation(Source, 2, 3), model.NameLocation);
        Assert.Equal(new SourceLocation(Source, 2, 12), model.Value.Location);

        var members = ((ConfigObject)model.Value).Members;
        Assert.Equal(["depth", "out_indices"], members.Select(member => member.Name));
        Assert.Equal(new SourceLocation(Source, 3, 5), members[0].NameLocation);
        Assert.Equal(new SourceLocation(Source, 3, 14), members[0].Value.Location);

        var items = ((ConfigArray)members[1].Value).Items;
        Assert.Equal(
            [ConfigNodeKind.Number, ConfigNodeKind.String, ConfigNodeKind.Boolean, ConfigNodeKind.Null],
            items.Select(item => item.Kind));
        Assert.Equal([21, 24, 29, 35], items.Select(item => item.Location.Column));
        Assert.All(items, item => Assert.Equal(4, item.Location.Line));
    }

    [Fact]
    public void Parse_accepts_line_and_block_comments_and_trailing_commas()
    {
        var root = (ConfigObject)ConfigJsonReader.Parse(
            """
            // the model
            {
              /* a block
                 comment */ "a": [1, 2,],  // after a value
              "b": {"c": 1,},
            }
            """,
            Source);

        Assert.Equal(["a", "b"], root.Members.Select(member => member.Name));
        Assert.Equal(2, ((ConfigArray)root.Members[0].Value).Items.Length);
        Assert.Equal(new SourceLocation(Source, 4, 17), root.Members[0].NameLocation);
    }

    [Theory]
    [InlineData("10", true, 10L)]
    [InlineData("-3", true, -3L)]
    [InlineData("10.0", false, null)]
    [InlineData("1e-3", false, null)]
    [InlineData("2E+2", false, null)]
    [InlineData("123456789012345678901234567890", true, null)]
    public void Parse_keeps_the_number_literal_as_written(string literal, bool isInteger, long? asInt64)
    {
        var root = (ConfigObject)ConfigJsonReader.Parse($"{{\"n\": {literal}}}", Source);

        var number = Assert.IsType<ConfigNumber>(root.Members[0].Value);
        Assert.Equal(literal, number.Literal);
        Assert.Equal(isInteger, number.IsInteger);
        Assert.Equal(asInt64.HasValue, number.TryGetInt64(out var value));
        Assert.Equal(asInt64 ?? 0, value);
    }

    [Fact]
    public void Parse_resolves_every_escape()
    {
        var root = (ConfigObject)ConfigJsonReader.Parse(
            """{"s": "q\" b\\ s\/ \b\f\n\r\t \u00e9 \uD83D\uDE00"}""",
            Source);

        Assert.Equal("q\" b\\ s/ \b\f\n\r\t é 😀", ((ConfigString)root.Members[0].Value).Value);
    }

    [Fact]
    public void Columns_count_characters_not_utf8_bytes()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"name\": \"日本語😀\", \"depth\": 5}");

        var root = (ConfigObject)ConfigJsonReader.Parse(bytes, Source);

        // 日本語 is 9 bytes and 😀 is 4, but five columns in all.
        Assert.Equal(new SourceLocation(Source, 1, 18), root.Members[1].NameLocation);
        Assert.Equal(new SourceLocation(Source, 1, 27), root.Members[1].Value.Location);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("\r")]
    public void Lines_end_at_crlf_lf_and_lone_cr(string newline)
    {
        var text = string.Join(newline, "{", "  \"a\": 1,", "", "  \"b\": 2", "}");

        var root = (ConfigObject)ConfigJsonReader.Parse(Encoding.UTF8.GetBytes(text), Source);

        Assert.Equal(new SourceLocation(Source, 4, 3), root.Members[1].NameLocation);
        Assert.Equal(new SourceLocation(Source, 4, 8), root.Members[1].Value.Location);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_skipped_and_does_not_shift_columns()
    {
        using var folder = new TempConfigFolder();
        var path = folder.WriteBytes("bom.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"depth\": 50}")]);

        var root = (ConfigObject)ConfigJsonReader.ReadFile(path);

        Assert.Equal(new SourceLocation(path, 1, 2), root.Members[0].NameLocation);
        Assert.Equal("50", ((ConfigNumber)root.Members[0].Value).Literal);
    }

    [Fact]
    public void Duplicate_keys_are_an_error_naming_both_locations()
    {
        var error = Assert.Throws<ConfigException>(
            () => ConfigJsonReader.Parse("{\n  \"model\": {\"depth\": 50,\n    \"depth\": 101}\n}", Source));

        Assert.Equal(new SourceLocation(Source, 3, 5), error.Location);
        Assert.Equal("$.model", error.JsonPath);
        Assert.Equal(
            "configs/a.json:3:5: $.model: duplicate key \"depth\" (first defined at configs/a.json:2:13)",
            error.Message);
    }

    [Fact]
    public void A_missing_comma_says_what_was_expected_where()
    {
        var error = Assert.Throws<ConfigException>(
            () => ConfigJsonReader.Parse("{\n  \"a\": 1\n  \"b\": 2\n}", Source));

        Assert.Equal("configs/a.json:3:3: $: expected ',' or '}' after a member, but found '\"'", error.Message);
    }

    [Fact]
    public void A_missing_comma_in_a_list_says_what_was_expected_where()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse("{\"a\": [1 2]}", Source));

        Assert.Equal("configs/a.json:1:10: $.a: expected ',' or ']' after an item, but found '2'", error.Message);
    }

    [Fact]
    public void An_unclosed_object_is_reported_at_the_end_and_names_the_open_brace()
    {
        var error = Assert.Throws<ConfigException>(
            () => ConfigJsonReader.Parse("{\n  \"model\": {\n    \"depth\": 50\n", Source));

        Assert.Equal(new SourceLocation(Source, 4, 1), error.Location);
        Assert.Equal(
            "configs/a.json:4:1: $.model: expected ',' or '}' after a member, but found the end of the file (the '{' at 2:12 is not closed)",
            error.Message);
    }

    [Fact]
    public void A_mismatched_closing_bracket_names_the_open_one()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse("{\"a\": [1, 2}", Source));

        Assert.Equal(
            "configs/a.json:1:12: $.a: expected ',' or ']' after an item, but found '}' (the '[' at 1:7 is not closed)",
            error.Message);
    }

    [Fact]
    public void An_unterminated_string_points_at_its_opening_quote()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse("{\n  \"type\": \"ResNet\n}", Source));

        Assert.Equal(
            "configs/a.json:2:11: $.type: unterminated string: the closing '\"' is missing before the end of the line",
            error.Message);
    }

    [Fact]
    public void A_bad_escape_points_at_the_backslash()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse("{\"root\": \"C:\\data\"}", Source));

        Assert.Equal(new SourceLocation(Source, 1, 13), error.Location);
        Assert.StartsWith("configs/a.json:1:13: $.root: invalid escape '\\d' in a string;", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("050", "leading zeros are not allowed")]
    [InlineData("1.", "a digit is required after '.'")]
    [InlineData(".5", "a digit is required before '.' (write 0.5, not .5)")]
    [InlineData("1e", "a digit is required in the exponent")]
    [InlineData("+1", "a number cannot start with '+'")]
    [InlineData("-", "a digit must follow '-'")]
    [InlineData("0x10", "hexadecimal numbers are not allowed in JSON")]
    [InlineData("1_000", "'_' digit separators are not allowed")]
    [InlineData("1.2.3", "unexpected '.'")]
    [InlineData("-Infinity", "a digit is expected")]
    public void A_bad_number_is_an_error_at_its_first_character(string literal, string reason)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse($"{{\"lr\": {literal}}}", Source));

        Assert.Equal($"configs/a.json:1:8: $.lr: invalid number '{literal}': {reason}", error.Message);
    }

    [Theory]
    [InlineData("True", "unexpected 'True': JSON spells it true")]
    [InlineData("None", "unexpected 'None': JSON spells it null")]
    [InlineData("NaN", "'NaN' is not a JSON number")]
    [InlineData("caffe", "unexpected 'caffe': expected a value (strings must be in double quotes)")]
    [InlineData("'caffe'", "strings must be in double quotes, not single quotes")]
    public void Python_spellings_and_bare_words_are_errors_with_a_hint(string value, string detail)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse($"{{\"x\": {value}}}", Source));

        Assert.Equal($"configs/a.json:1:7: $.x: {detail}", error.Message);
    }

    [Fact]
    public void An_unquoted_member_name_is_an_error_with_the_fix()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse("{\n  depth: 50\n}", Source));

        Assert.Equal("configs/a.json:2:3: $: member names must be in double quotes: write \"depth\"", error.Message);
    }

    [Fact]
    public void An_unterminated_block_comment_points_at_its_start()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse("{\n  /* comment\n}", Source));

        Assert.Equal(
            "configs/a.json:2:3: $: unterminated comment: '/*' is not closed with '*/' before the end of the file",
            error.Message);
    }

    [Fact]
    public void Text_after_the_top_level_value_is_an_error()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse("{}\n{}", Source));

        Assert.Equal("configs/a.json:2:1: $: expected the end of the file after the top-level value, but found '{'", error.Message);
    }

    [Fact]
    public void Invalid_utf8_is_an_error_at_the_offending_character()
    {
        var bytes = Encoding.UTF8.GetBytes("{\n  \"é\": \"caf").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes("\"\n}")).ToArray();

        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse(bytes, Source));

        Assert.Equal(new SourceLocation(Source, 2, 12), error.Location);
        Assert.Null(error.JsonPath);
        Assert.Equal(
            "configs/a.json:2:12: invalid UTF-8: byte 0xE9 does not start a valid UTF-8 sequence; config files must be saved as UTF-8",
            error.Message);
    }

    [Fact]
    public void Utf16_is_refused_with_the_fix()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{}")).ToArray(), Source));

        Assert.Equal("configs/a.json:1:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8", error.Message);
    }

    [Fact]
    public void Sixty_four_levels_of_nesting_are_read_and_the_sixty_fifth_is_an_error()
    {
        var ok = new string('[', 63) + new string(']', 63);
        ConfigJsonReader.Parse("{\"a\": " + ok + "}", Source);

        var deep = "{\"a\": " + new string('[', 64) + new string(']', 64) + "}";
        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse(deep, Source));

        Assert.Equal(new SourceLocation(Source, 1, 70), error.Location);
        Assert.Equal("$.a" + string.Concat(Enumerable.Repeat("[0]", 63)), error.JsonPath);
        Assert.EndsWith(": nesting is too deep: more than 64 levels of objects and arrays", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_depth_limit_can_be_lowered()
    {
        var limits = new ConfigReaderLimits { MaxDepth = 2 };

        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.Parse("{\"a\": {\"b\": {}}}", Source, limits));

        Assert.Equal("configs/a.json:1:13: $.a.b: nesting is too deep: more than 2 levels of objects and arrays", error.Message);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        using var folder = new TempConfigFolder();
        var path = folder.Write("big.json", "{\"a\": \"" + new string('x', 2000) + "\"}");

        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.ReadFile(path, new ConfigReaderLimits { MaxFileBytes = 1024 }));

        Assert.Equal(new SourceLocation(path, 1, 1), error.Location);
        Assert.Equal($"{path}:1:1: the file is too large: 2009 bytes; config files may be at most 1024 bytes", error.Message);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        using var folder = new TempConfigFolder();
        var path = folder.PathOf("nope.json");

        var error = Assert.Throws<ConfigException>(() => ConfigJsonReader.ReadFile(path));

        Assert.Equal(SourceLocation.WholeFile(path), error.Location);
        Assert.Equal($"{path}: config file not found (looked for {path})", error.Message);
    }

    [Fact]
    public void A_large_file_is_read_in_linear_time()
    {
        // 200,000 members on one line and a 100,000-item list: a quadratic column or duplicate
        // check would take minutes here.
        var text = new StringBuilder("{");
        for (var i = 0; i < 200_000; i++)
        {
            text.Append("\"k").Append(i).Append("\": ").Append(i).Append(", ");
        }

        text.Append("\"list\": [").Append(string.Join(",", Enumerable.Repeat("1.5", 100_000))).Append("]}");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var root = (ConfigObject)ConfigJsonReader.Parse(Encoding.UTF8.GetBytes(text.ToString()), Source);

        Assert.Equal(200_001, root.Members.Length);
        Assert.True(root.TryGetMember("k199999", out var last));
        Assert.Equal(1, last.NameLocation.Line);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }
}
