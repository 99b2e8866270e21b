using ImageClassifier.Hosting.Configuration;

namespace ImageClassifier.Hosting.Tests.Configuration;

public sealed class ConfigOverrideTests : IDisposable
{
    private const string Base = """
        {
          "model": {
            "backbone": {"type": "ResNet", "depth": 50, "out_indices": [3], "style": "pytorch"},
            "head": {"type": "LinearClsHead", "num_classes": 1000}
          },
          "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.1}},
          "pipeline": [{"type": "LoadImageFromFile"}, {"type": "RandomResizedCrop", "scale": 224}],
          "work_dir": "out"
        }
        """;

    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("model.head.num_classes=10", ConfigNodeKind.Number, "10")]
    [InlineData("optim_wrapper.optimizer.lr=0.1", ConfigNodeKind.Number, "0.1")]
    [InlineData("model.backbone.style=caffe", ConfigNodeKind.String, "\"caffe\"")]
    [InlineData("model.backbone.out_indices=[1,5]", ConfigNodeKind.Array, "[1,5]")]
    [InlineData("work_dir=\"a b\"", ConfigNodeKind.String, "\"a b\"")]
    [InlineData("work_dir=a b", ConfigNodeKind.String, "\"a b\"")]
    [InlineData("model.head={\"type\": \"X\"}", ConfigNodeKind.Object, "{\"type\":\"X\"}")]
    [InlineData("flag=true", ConfigNodeKind.Boolean, "true")]
    [InlineData("flag=True", ConfigNodeKind.Boolean, "true")]
    [InlineData("flag=False", ConfigNodeKind.Boolean, "false")]
    [InlineData("x=None", ConfigNodeKind.Null, "null")]
    [InlineData("x=null", ConfigNodeKind.Null, "null")]
    [InlineData("x=", ConfigNodeKind.String, "\"\"")]
    [InlineData("x=1e-3", ConfigNodeKind.Number, "1e-3")]
    [InlineData("x=007", ConfigNodeKind.String, "\"007\"")]
    [InlineData("x=a=b", ConfigNodeKind.String, "\"a=b\"")]
    public void A_value_is_json_when_it_reads_as_json_and_a_string_otherwise(string argument, ConfigNodeKind kind, string json)
    {
        var option = ConfigOverride.Parse(argument, 1);

        Assert.Equal(kind, option.Value.Kind);
        Assert.Equal(json, option.Value.ToJsonString(indented: false));
    }

    [Fact]
    public void The_key_is_split_on_dots_and_every_part_is_located_in_the_argument()
    {
        var option = ConfigOverride.Parse("model.head.num_classes=10", 3);

        Assert.Equal(["model", "head", "num_classes"], option.Keys.ToArray());
        Assert.Equal([1, 7, 12], option.KeyLocations.Select(location => location.Column).ToArray());
        Assert.Equal(SourceLocation.CommandLine(3, 24), option.Value.Location);
        Assert.Equal("--cfg-options argument 3, column 24", option.Value.Location.ToString());
        Assert.Equal(3, option.ArgumentNumber);
    }

    [Fact]
    public void The_example_options_apply_with_the_merge_rules()
    {
        var path = folder.Write("a.json", Base);

        var config = ConfigLoader.Load(
            path,
            ["model.head.num_classes=10", "model.backbone.out_indices=[3]", "optim_wrapper.optimizer.lr=0.1", "model.backbone.style=caffe", "work_dir=a b"]);

        Assert.Equal(
            "{\"model\":{\"backbone\":{\"type\":\"ResNet\",\"depth\":50,\"out_indices\":[3],\"style\":\"caffe\"},"
            + "\"head\":{\"type\":\"LinearClsHead\",\"num_classes\":10}},"
            + "\"optim_wrapper\":{\"optimizer\":{\"type\":\"SGD\",\"lr\":0.1}},"
            + "\"pipeline\":[{\"type\":\"LoadImageFromFile\"},{\"type\":\"RandomResizedCrop\",\"scale\":224}],"
            + "\"work_dir\":\"a b\"}",
            config.ToJsonString(indented: false));
        Assert.True(config.TryGetLocation("$.model.head.num_classes", out var location));
        Assert.Equal(SourceLocation.CommandLine(1, 24), location);
        Assert.True(config.TryGetNameLocation("$.model.backbone.style", out var name));
        Assert.Equal(SourceLocation.CommandLine(4, 16), name);
        Assert.True(config.TryGetLocation("$.model.backbone.depth", out var untouched));
        Assert.Equal(path, untouched.Path);
    }

    [Fact]
    public void A_number_indexes_a_list_and_merges_into_the_item()
    {
        var path = folder.Write("a.json", Base);

        var config = ConfigLoader.Load(path, ["pipeline.1.scale=384", "model.backbone.out_indices.0=2", "pipeline.0={\"type\": \"LoadImage\"}"]);

        Assert.True(config.TryGetNode("$.pipeline", out var pipeline));
        Assert.Equal("[{\"type\":\"LoadImage\"},{\"type\":\"RandomResizedCrop\",\"scale\":384}]", pipeline.ToJsonString(indented: false));
        Assert.True(config.TryGetNode("$.model.backbone.out_indices", out var indices));
        Assert.Equal("[2]", indices.ToJsonString(indented: false));
    }

    [Fact]
    public void Missing_members_are_created_with_objects_for_the_keys_between()
    {
        var path = folder.Write("a.json", Base);

        var config = ConfigLoader.Load(path, ["train_cfg.by_epoch.0=true"]);

        // No list to index, so "0" is a member name, as in mmengine.
        Assert.EndsWith(",\"train_cfg\":{\"by_epoch\":{\"0\":true}}}", config.ToJsonString(indented: false), StringComparison.Ordinal);
    }

    [Fact]
    public void An_object_value_merges_into_an_object_and_delete_replaces_it()
    {
        var path = folder.Write("a.json", Base);

        var merged = ConfigLoader.Load(path, ["model.head={\"num_classes\": 10}"]);
        var replaced = ConfigLoader.Load(path, ["model.head={\"_delete_\": true, \"type\": \"ArcFaceClsHead\"}"]);
        var emptied = ConfigLoader.Load(path, ["model.head._delete_=true"]);

        Assert.True(merged.TryGetNode("$.model.head", out var head));
        Assert.Equal("{\"type\":\"LinearClsHead\",\"num_classes\":10}", head.ToJsonString(indented: false));
        Assert.True(replaced.TryGetNode("$.model.head", out head));
        Assert.Equal("{\"type\":\"ArcFaceClsHead\"}", head.ToJsonString(indented: false));
        Assert.True(emptied.TryGetNode("$.model.head", out head));
        Assert.Equal("{}", head.ToJsonString(indented: false));
    }

    [Fact]
    public void A_later_option_wins_over_an_earlier_one()
    {
        var path = folder.Write("a.json", Base);

        var config = ConfigLoader.Load(path, ["work_dir=first", "work_dir=second"]);

        Assert.True(config.TryGetLocation("$.work_dir", out var location));
        Assert.Equal(SourceLocation.CommandLine(2, 10), location);
        Assert.EndsWith("\"work_dir\":\"second\"}", config.ToJsonString(indented: false), StringComparison.Ordinal);
    }

    [Fact]
    public void An_argument_without_equals_is_an_error()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigOverride.Parse("model.head.num_classes", 2));

        Assert.Equal(
            "--cfg-options argument 2, column 23: expected key=value (for example model.head.num_classes=10), but the argument has no '='",
            error.Message);
    }

    [Fact]
    public void An_empty_key_segment_is_an_error_at_that_segment()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigOverride.Parse("model..depth=50", 1));

        Assert.Equal(
            "--cfg-options argument 1, column 7: empty key segment in 'model..depth': write member names separated by single dots",
            error.Message);
    }

    [Fact]
    public void A_value_that_starts_like_json_must_be_json_and_the_error_column_is_inside_the_argument()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigOverride.Parse("model.backbone.out_indices=[1, 2", 4));

        Assert.Equal(SourceLocation.CommandLine(4, 33), error.Location);
        Assert.Equal("$.model.backbone.out_indices", error.JsonPath);
        Assert.Equal(
            "--cfg-options argument 4, column 33: $.model.backbone.out_indices: expected ',' or ']' after an item, but found the end of the argument (the '[' at column 28 is not closed)",
            error.Message);
    }

    [Fact]
    public void An_index_past_the_end_of_a_list_is_an_error()
    {
        var path = folder.Write("a.json", Base);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, ["model.backbone.out_indices.1=2"]));

        Assert.Equal(
            $"--cfg-options argument 1, column 28: $.model.backbone.out_indices: index 1 is out of range: the list has 1 item (set in {path}:3:64)",
            error.Message);
    }

    [Fact]
    public void A_name_on_a_list_is_an_error()
    {
        var path = folder.Write("a.json", Base);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, ["pipeline.type=X"]));

        Assert.Equal(
            $"--cfg-options argument 1, column 10: $.pipeline: 'type' cannot select an item: $.pipeline is a list (set in {path}:7:15); use a 0-based index, as in pipeline.0",
            error.Message);
    }

    [Fact]
    public void A_key_below_a_scalar_is_an_error()
    {
        var path = folder.Write("a.json", Base);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, ["x=1", "model.backbone.depth.value=50"]));

        Assert.Equal(
            $"--cfg-options argument 2, column 22: $.model.backbone.depth: cannot set 'value' inside $.model.backbone.depth: it is a number (set in {path}:3:45), not an object or a list",
            error.Message);
    }

    [Fact]
    public void An_object_value_over_a_scalar_is_an_error()
    {
        var path = folder.Write("a.json", Base);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, ["work_dir={\"a\": 1}"]));

        Assert.Equal(
            $"--cfg-options argument 1, column 10: $.work_dir: cannot merge an object into a string (set in {path}:8:15); add \"_delete_\": true to this object to replace the inherited value",
            error.Message);
    }

    [Fact]
    public void Base_cannot_be_overridden()
    {
        var path = folder.Write("a.json", Base);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, ["_base_=b.json"]));

        Assert.Equal(
            "--cfg-options argument 1, column 1: $._base_: \"_base_\" cannot be set with --cfg-options; name the base in the config file",
            error.Message);
    }

    [Fact]
    public void Delete_as_an_option_must_be_a_boolean()
    {
        var path = folder.Write("a.json", Base);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, ["model.head._delete_=yes"]));

        Assert.Equal(
            "--cfg-options argument 1, column 21: $.model.head._delete_: \"_delete_\" must be true or false, but found a string",
            error.Message);
    }

    [Fact]
    public void An_option_cannot_nest_deeper_than_the_limit()
    {
        var path = folder.Write("a.json", Base);
        var key = string.Join('.', Enumerable.Range(0, 60).Select(i => $"k{i}"));

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, [$"{key}=[[[[[1]]]]]"]));

        Assert.EndsWith(": the value would nest more than 64 levels of objects and arrays deep", error.Message, StringComparison.Ordinal);
        Assert.True(error.Location.IsCommandLine);
    }

    [Fact]
    public void Base_below_the_top_level_cannot_be_set_either()
    {
        var path = folder.Write("a.json", Base);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, ["model._base_=b.json"]));

        Assert.Equal(
            "--cfg-options argument 1, column 7: $.model._base_: \"_base_\" is only allowed at the top level of a config file",
            error.Message);
    }
}
