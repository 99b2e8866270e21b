using System.Text;
using ImageClassifier.Hosting.Configuration;

namespace ImageClassifier.Hosting.Tests.Configuration;

/// <summary>
/// Every file in <c>Corpus/broken</c> must fail with exactly one <see cref="ConfigException"/> at
/// the expected place. Files under <c>Corpus/broken/bases</c> are the bases they inherit.
/// </summary>
public sealed class BrokenConfigCorpusTests
{
    /// <summary>File, then where the error is (file relative to the corpus, line, column), then a fragment of the message ({dir} is the corpus folder).</summary>
    public static TheoryData<string, string, int, int, string> Cases { get; } = new()
    {
        // JSON syntax
        { "missing-comma.json", "missing-comma.json", 4, 5, "$.model: expected ',' or '}' after a member, but found '\"'" },
        { "missing-colon.json", "missing-colon.json", 2, 11, "$: expected ':' after the member name \"model\", but found '{'" },
        { "missing-value.json", "missing-value.json", 2, 12, "$.depth: expected a value after ':', but found ','" },
        { "double-comma.json", "double-comma.json", 2, 21, "$.out_indices[1]: expected a value or ']' after ',', but found ','" },
        { "unclosed-object.json", "unclosed-object.json", 5, 1, "but found the end of the file (the '{' at 1:1 is not closed)" },
        { "unclosed-array.json", "unclosed-array.json", 3, 1, "$.out_indices: expected ',' or ']' after an item, but found '}' (the '[' at 2:18 is not closed)" },
        { "unclosed-string.json", "unclosed-string.json", 2, 11, "$.type: unterminated string: the closing '\"' is missing before the end of the line" },
        { "extra-closing-brace.json", "extra-closing-brace.json", 3, 2, "$: expected the end of the file after the top-level value, but found '}'" },
        { "trailing-garbage.json", "trailing-garbage.json", 4, 1, "$: expected the end of the file after the top-level value, but found 'm'" },
        { "unterminated-comment.json", "unterminated-comment.json", 2, 3, "unterminated comment: '/*' is not closed with '*/'" },
        { "lone-slash.json", "lone-slash.json", 2, 3, "expected '//' or '/*' to start a comment after '/'" },
        { "unquoted-key.json", "unquoted-key.json", 2, 3, "member names must be in double quotes: write \"depth\"" },
        { "single-quotes.json", "single-quotes.json", 2, 11, "$.type: strings must be in double quotes, not single quotes" },
        { "empty.json", "empty.json", 2, 1, "expected a JSON value, but the file is empty or holds only comments" },
        { "top-level-array.json", "top-level-array.json", 1, 1, "$: a config file must hold a JSON object at the top level, but found an array" },

        // Strings and escapes
        { "bad-escape.json", "bad-escape.json", 2, 19, "$.data_root: invalid escape '\\d' in a string" },
        { "bad-unicode-escape.json", "bad-unicode-escape.json", 2, 15, "$.name: invalid escape: '\\u' must be followed by 4 hex digits" },
        { "unpaired-surrogate.json", "unpaired-surrogate.json", 2, 12, "$.name: unpaired surrogate '\\uD83D'" },
        { "control-char-in-string.json", "control-char-in-string.json", 2, 15, "$.type: control character U+0009 must be escaped in a string" },

        // Numbers and literals
        { "leading-zero.json", "leading-zero.json", 2, 12, "$.depth: invalid number '050': leading zeros are not allowed" },
        { "bad-fraction.json", "bad-fraction.json", 2, 9, "$.lr: invalid number '1.': a digit is required after '.'" },
        { "bad-exponent.json", "bad-exponent.json", 2, 9, "$.lr: invalid number '1e-': a digit is required in the exponent" },
        { "hex-number.json", "hex-number.json", 2, 11, "$.seed: invalid number '0x1F': hexadecimal numbers are not allowed in JSON" },
        { "plus-number.json", "plus-number.json", 2, 9, "$.lr: invalid number '+0.1': a number cannot start with '+'" },
        { "nan.json", "nan.json", 2, 18, "$.loss_weight: 'NaN' is not a JSON number" },
        { "python-true.json", "python-true.json", 2, 14, "$.with_cp: unexpected 'True': JSON spells it true" },
        { "python-none.json", "python-none.json", 2, 15, "$.init_cfg: unexpected 'None': JSON spells it null" },

        // Duplicate keys
        { "duplicate-key.json", "duplicate-key.json", 4, 3, "$: duplicate key \"depth\" (first defined at {dir}/duplicate-key.json:2:3)" },
        { "duplicate-key-nested.json", "duplicate-key-nested.json", 3, 33, "$.model.head: duplicate key \"num_classes\" (first defined at {dir}/duplicate-key-nested.json:3:14)" },

        // Encodings and columns
        { "bom-then-error.json", "bom-then-error.json", 1, 14, "$: expected a member name in double quotes or '}', but found ','" },
        { "invalid-utf8.json", "invalid-utf8.json", 2, 15, "invalid UTF-8: byte 0xE9 does not start a valid UTF-8 sequence" },
        { "utf16.json", "utf16.json", 1, 1, "the file is UTF-16" },
        { "multibyte-column.json", "multibyte-column.json", 2, 24, "$.ok: unexpected 'tru'" },
        { "emoji-column.json", "emoji-column.json", 1, 22, "$: expected ',' or '}' after a member, but found '2'" },

        // _base_
        { "base-missing.json", "base-missing.json", 2, 34, "$._base_[1]: base config not found: {dir}/base-missing.json -> {dir}/bases/no-such-file.json (no file at {dir}/bases/no-such-file.json)" },
        { "base-cycle.json", "bases/cycle-c.json", 2, 14, "$._base_[0]: inheritance cycle: {dir}/base-cycle.json -> {dir}/bases/cycle-b.json -> {dir}/bases/cycle-c.json -> {dir}/base-cycle.json" },
        { "base-wrong-type.json", "base-wrong-type.json", 2, 13, "$._base_: expected a string or a list of strings (paths of base configs), but found a number" },
        { "base-list-item-wrong-type.json", "base-list-item-wrong-type.json", 2, 34, "$._base_[1]: expected a string (the path of a base config), but found an object" },
        { "base-empty-path.json", "base-empty-path.json", 2, 13, "$._base_: the base config path is empty" },
        { "base-python.json", "base-python.json", 2, 14, "$._base_[0]: '../_base_/models/resnet18.py' is a .py config" },
        { "base-package-scope.json", "base-package-scope.json", 2, 13, "$._base_: package-scoped bases ('mmpretrain::resnet/resnet18_8xb32_in1k.json') are not supported" },
        { "bases-clash.json", "bases-clash.json", 4, 5, "$._base_[1]: bases {dir}/bases/model.json and {dir}/bases/model-too.json both define \"model\" (at {dir}/bases/model.json:3:3 and {dir}/bases/model-too.json:2:3)" },
        { "nested-base.json", "nested-base.json", 3, 5, "$.model._base_: \"_base_\" is only allowed at the top level of a config file" },
        { "error-in-base.json", "bases/broken-syntax.json", 5, 35, "$.train_cfg: expected ',' or '}' after a member, but found '\"' (in a base config reached via {dir}/error-in-base.json -> {dir}/bases/broken-syntax.json)" },

        // _delete_ and merging
        { "delete-not-boolean.json", "delete-not-boolean.json", 4, 26, "$.model.head._delete_: \"_delete_\" must be true or false, but found a string" },
        { "delete-nothing-to-replace.json", "delete-nothing-to-replace.json", 4, 5, "$.optim_wrapper: \"_delete_\": true has nothing to replace: nothing is inherited at $.optim_wrapper" },
        { "delete-top-level.json", "delete-top-level.json", 3, 3, "$: \"_delete_\" cannot be used at the top level of a config file" },
        { "delete-in-list-item.json", "delete-in-list-item.json", 4, 6, "$.pipeline[0]: \"_delete_\": true has nothing to replace: lists are replaced whole" },
        { "dict-over-list.json", "dict-over-list.json", 5, 22, "$.model.backbone.out_indices: cannot merge an object into an array (set in {dir}/bases/model.json:5:64)" },
        { "dict-over-scalar.json", "dict-over-scalar.json", 5, 16, "$.model.backbone.depth: cannot merge an object into a number (set in {dir}/bases/model.json:5:45)" },
        // Hostile input (issue 17): each must fail fast, at its place, without a crash or a hang
        { "deep-nesting.json", "deep-nesting.json", 1, 70, "nesting is too deep: more than 64 levels of objects and arrays" },
        { "huge-exponent.json", "huge-exponent.json", 2, 9, "$.lr: the number '1e999' is out of range" },
        { "infinity.json", "infinity.json", 2, 9, "$.lr: 'Infinity' is not a JSON number" },
        { "negative-infinity.json", "negative-infinity.json", 2, 9, "$.lr: invalid number '-Infinity'" },
        { "nul-in-string.json", "nul-in-string.json", 2, 15, "$.type: control character U+0000 must be escaped in a string" },
        { "truncated-utf8.json", "truncated-utf8.json", 2, 15, "invalid UTF-8: byte 0xC3" },
        { "overlong-utf8.json", "overlong-utf8.json", 2, 12, "invalid UTF-8: byte 0xC0" },
        { "base-self.json", "base-self.json", 2, 13, "$._base_: inheritance cycle: {dir}/base-self.json -> {dir}/base-self.json" },
        { "base-directory.json", "base-directory.json", 2, 34, "$._base_[1]: base config {dir}/bases is a directory, not a regular file" },
        { "base-char-device.json", "base-char-device.json", 2, 13, "$._base_: base config /dev/zero is a character device, not a regular file" },
        { "dict-over-null.json", "dict-over-null.json", 4, 13, "$.model.neck: cannot merge an object into null (set in {dir}/bases/model.json:6:13)" },
    };

    private static string CorpusDirectory { get; } = TestCorpus.Find("Configuration/Corpus/broken");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_broken_file_gives_one_config_exception_at_the_expected_place(string file, string errorFile, int line, int column, string fragment)
    {
        var path = Path.Combine(CorpusDirectory, file);

        var error = Assert.IsType<ConfigException>(Record.Exception(() => ConfigLoader.Load(path)));

        Assert.Equal(new SourceLocation(Path.Combine(CorpusDirectory, errorFile), line, column), error.Location);
        Assert.StartsWith(error.Location + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment.Replace("{dir}", CorpusDirectory, StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_broken_file_fails_validate_with_exit_code_two_and_one_located_error(string file, string errorFile, int line, int column, string fragment)
    {
        _ = fragment;
        var run = TestHelpers.CliRun.Invoke(ImageClassifier.Hosting.Catalog.BuiltInComponents.CreateCatalog, "validate", Path.Combine(CorpusDirectory, file));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {Path.Combine(CorpusDirectory, errorFile)}:{line}:{column}: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_covers_every_file_in_the_corpus()
    {
        var files = Directory.GetFiles(CorpusDirectory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var listed = Cases.Select(row => (string)row[0]).Order(StringComparer.Ordinal);

        Assert.Equal(files, listed);
        Assert.True(Cases.Count() >= 25);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{\"a\":", "}")]
    public void Ten_thousand_levels_of_nesting_stop_at_the_depth_limit_without_overflowing_the_stack(string open, string close)
    {
        using var folder = new TempConfigFolder();
        var text = new StringBuilder("{\"a\": ");
        text.Insert(text.Length, open, 10_000);
        text.Append('1');
        text.Insert(text.Length, close, 10_000);
        text.Append('}');
        var path = folder.Write("deep.json", text.ToString());

        var error = Assert.IsType<ConfigException>(Record.Exception(() => ConfigLoader.Load(path)));

        // "{"a": " is six columns; the 64th opening bracket after it is level 65.
        Assert.Equal(new SourceLocation(path, 1, 7 + (63 * open.Length)), error.Location);
        Assert.EndsWith("nesting is too deep: more than 64 levels of objects and arrays", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_thousand_unclosed_brackets_stop_at_the_depth_limit()
    {
        using var folder = new TempConfigFolder();
        var path = folder.Write("deep-unclosed.json", new string('[', 10_000));

        var error = Assert.IsType<ConfigException>(Record.Exception(() => ConfigLoader.Load(path)));

        Assert.Equal(new SourceLocation(path, 1, 65), error.Location);
    }

    [Fact]
    public void A_seventeen_mebibyte_file_is_refused_at_its_start()
    {
        using var folder = new TempConfigFolder();
        var size = 17 * 1024 * 1024;
        var bytes = new byte[size];
        Array.Fill(bytes, (byte)' ');
        "{\"a\": 1}"u8.CopyTo(bytes);
        var path = folder.WriteBytes("huge.json", bytes);

        var error = Assert.IsType<ConfigException>(Record.Exception(() => ConfigLoader.Load(path)));

        Assert.Equal(new SourceLocation(path, 1, 1), error.Location);
        Assert.Equal(
            $"{path}:1:1: the file is too large: 17 MiB ({size} bytes); config files may be at most 16 MiB (16777216 bytes)",
            error.Message);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_accepted()
    {
        using var folder = new TempConfigFolder();
        var path = folder.WriteBytes("bom.json", [0xEF, 0xBB, 0xBF, .. "{\"depth\": 50}"u8]);

        var config = ConfigLoader.Load(path);

        Assert.True(config.TryGetLocation("$.depth", out var location));
        Assert.Equal(new SourceLocation(path, 1, 11), location);
    }
}
