using ImageClassifier.Hosting.Configuration;

namespace ImageClassifier.Hosting.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private const string ModelBase = """
        {
          "model": {
            "type": "ImageClassifier",
            "backbone": {"type": "ResNet", "depth": 50, "out_indices": [3]},
            "neck": {"type": "GlobalAveragePooling"},
            "head": {"type": "LinearClsHead", "num_classes": 1000, "topk": [1, 5]}
          }
        }
        """;

    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_file_without_base_loads_as_written()
    {
        var path = folder.Write("a.json", "{\"b\": 1, \"a\": {\"_delete_\": false, \"c\": 2}}");

        var config = ConfigLoader.Load(path);

        Assert.Equal("{\"b\":1,\"a\":{\"c\":2}}", config.ToJsonString(indented: false));
        Assert.Equal(path, config.RootPath);
        Assert.Equal([path], config.Files.ToArray());
    }

    [Fact]
    public void The_base_is_loaded_first_and_objects_merge_recursively_with_base_members_first()
    {
        var basePath = folder.Write("_base_/model.json", ModelBase);
        var path = folder.Write("a.json", """
            {
              "_base_": "_base_/model.json",
              "model": {
                "head": {"num_classes": 10, "loss": {"type": "CrossEntropyLoss"}},
                "data_preprocessor": {"num_classes": 10}
              },
              "work_dir": "out"
            }
            """);

        var config = ConfigLoader.Load(path);

        Assert.Equal(
            "{\"model\":{\"type\":\"ImageClassifier\",\"backbone\":{\"type\":\"ResNet\",\"depth\":50,\"out_indices\":[3]},"
            + "\"neck\":{\"type\":\"GlobalAveragePooling\"},"
            + "\"head\":{\"type\":\"LinearClsHead\",\"num_classes\":10,\"topk\":[1,5],\"loss\":{\"type\":\"CrossEntropyLoss\"}},"
            + "\"data_preprocessor\":{\"num_classes\":10}},\"work_dir\":\"out\"}",
            config.ToJsonString(indented: false));
        Assert.Equal([basePath, path], config.Files.ToArray());
    }

    [Fact]
    public void Every_merged_value_keeps_the_location_of_the_file_that_set_it()
    {
        var basePath = folder.Write("base.json", ModelBase);
        var path = folder.Write("a.json", "{\n  \"_base_\": \"base.json\",\n  \"model\": {\"head\": {\"num_classes\": 10}}\n}");

        var config = ConfigLoader.Load(path);

        Assert.True(config.TryGetLocation("$.model.head.num_classes", out var overridden));
        Assert.Equal(new SourceLocation(path, 3, 37), overridden);
        Assert.True(config.TryGetLocation("$.model.head.topk", out var inherited));
        Assert.Equal(new SourceLocation(basePath, 6, 68), inherited);
        Assert.True(config.TryGetLocation("$.model.backbone.depth", out var depth));
        Assert.Equal(new SourceLocation(basePath, 4, 45), depth);
    }

    [Fact]
    public void Lists_and_scalars_are_replaced_whole()
    {
        folder.Write("base.json", "{\"topk\": [1, 5], \"lr\": 0.1, \"model\": {\"depth\": 50}, \"name\": \"x\"}");
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\", \"topk\": [1], \"lr\": 0.01, \"model\": 3, \"name\": null}");

        var config = ConfigLoader.Load(path);

        // A scalar (or null) over an object replaces it, as in mmengine; only an object over a non-object is refused.
        Assert.Equal("{\"topk\":[1],\"lr\":0.01,\"model\":3,\"name\":null}", config.ToJsonString(indented: false));
    }

    [Fact]
    public void Several_bases_are_combined_in_order_and_paths_are_relative_to_the_file_naming_them()
    {
        folder.Write("configs/_base_/models/resnet18.json", "{\"_base_\": \"../default_runtime.json\", \"model\": {\"depth\": 18}}");
        folder.Write("configs/_base_/default_runtime.json", "{\"default_scope\": \"mmpretrain\"}");
        folder.Write("configs/_base_/schedules/sgd.json", "{\"optim_wrapper\": {\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1}}}");
        var path = folder.Write("configs/resnet/a.json", """
            {"_base_": ["../_base_/models/resnet18.json", "../_base_/schedules/sgd.json"],
             "optim_wrapper": {"optimizer": {"lr": 0.01}}}
            """);

        var config = ConfigLoader.Load(path);

        Assert.Equal(
            "{\"default_scope\":\"mmpretrain\",\"model\":{\"depth\":18},\"optim_wrapper\":{\"optimizer\":{\"type\":\"SGD\",\"lr\":0.01}}}",
            config.ToJsonString(indented: false));
        Assert.Equal(
            [
                folder.PathOf("configs/_base_/default_runtime.json"),
                folder.PathOf("configs/_base_/models/resnet18.json"),
                folder.PathOf("configs/_base_/schedules/sgd.json"),
                path,
            ],
            config.Files.ToArray());
    }

    [Fact]
    public void Delete_true_replaces_the_inherited_object_and_disappears()
    {
        folder.Write("base.json", ModelBase);
        var path = folder.Write("a.json", """
            {"_base_": "base.json",
             "model": {"head": {"_delete_": true, "type": "ArcFaceClsHead", "num_classes": 10}}}
            """);

        var config = ConfigLoader.Load(path);

        Assert.True(config.TryGetNode("$.model.head", out var head));
        Assert.Equal("{\"type\":\"ArcFaceClsHead\",\"num_classes\":10}", head.ToJsonString(indented: false));
        Assert.DoesNotContain("_delete_", config.ToJsonString(), StringComparison.Ordinal);
        // The replaced member keeps its place among the base members.
        Assert.Equal(["type", "backbone", "neck", "head"], ((ConfigObject)config.Root.Members[0].Value).Members.Select(m => m.Name));
    }

    [Fact]
    public void Delete_true_may_replace_an_inherited_non_object()
    {
        folder.Write("base.json", "{\"neck\": null, \"topk\": [1, 5]}");
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\", \"neck\": {\"_delete_\": true, \"type\": \"GAP\"}, \"topk\": {\"_delete_\": true}}");

        var config = ConfigLoader.Load(path);

        Assert.Equal("{\"neck\":{\"type\":\"GAP\"},\"topk\":{}}", config.ToJsonString(indented: false));
    }

    [Fact]
    public void Delete_false_merges_as_usual_and_disappears()
    {
        folder.Write("base.json", "{\"model\": {\"a\": 1}}");
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\", \"model\": {\"_delete_\": false, \"b\": 2}}");

        var config = ConfigLoader.Load(path);

        Assert.Equal("{\"model\":{\"a\":1,\"b\":2}}", config.ToJsonString(indented: false));
    }

    [Fact]
    public void An_object_over_an_inherited_number_is_an_error_naming_where_the_number_was_set()
    {
        var basePath = folder.Write("base.json", ModelBase);
        var path = folder.Write("a.json", """
            {
              "_base_": "base.json",
              "model": {
                "backbone": {
                  "depth": {"value": 50}
                }
              }
            }
            """);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(new SourceLocation(path, 5, 16), error.Location);
        Assert.Equal("$.model.backbone.depth", error.JsonPath);
        Assert.Equal(
            $"{path}:5:16: $.model.backbone.depth: cannot merge an object into a number (set in {basePath}:4:45); add \"_delete_\": true to this object to replace the inherited value",
            error.Message);
    }

    [Fact]
    public void An_object_over_an_inherited_list_is_an_error()
    {
        var basePath = folder.Write("base.json", ModelBase);
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\",\n \"model\": {\"head\": {\"topk\": {\"0\": 1}}}}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(
            $"{path}:2:29: $.model.head.topk: cannot merge an object into an array (set in {basePath}:6:68); add \"_delete_\": true to this object to replace the inherited value",
            error.Message);
    }

    [Fact]
    public void Two_bases_defining_the_same_top_level_key_is_an_error_naming_both_files()
    {
        var first = folder.Write("model.json", "{\n  \"model\": {\"depth\": 18}\n}");
        var second = folder.Write("other.json", "{\"lr\": 1,\n\"model\": {\"depth\": 50}}");
        var path = folder.Write("a.json", "{\n  \"_base_\": [\"model.json\",\n    \"other.json\"]\n}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(new SourceLocation(path, 3, 5), error.Location);
        Assert.Equal("$._base_[1]", error.JsonPath);
        Assert.Equal(
            $"{path}:3:5: $._base_[1]: bases {first} and {second} both define \"model\" (at {first}:2:3 and {second}:2:1); a top-level key may come from only one base",
            error.Message);
    }

    [Fact]
    public void A_missing_base_is_an_error_naming_the_chain()
    {
        var a = folder.Write("a.json", "{\"_base_\": \"b.json\"}");
        var b = folder.Write("b.json", "{\n  \"_base_\": [\"missing.json\"]\n}");
        var missing = folder.PathOf("missing.json");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(a));

        Assert.Equal(new SourceLocation(b, 2, 14), error.Location);
        Assert.Equal(
            $"{b}:2:14: $._base_[0]: base config not found: {a} -> {b} -> {missing} (no file at {missing})",
            error.Message);
    }

    [Fact]
    public void An_inheritance_cycle_is_an_error_naming_the_cycle()
    {
        var a = folder.Write("a.json", "{\"_base_\": \"b.json\"}");
        var b = folder.Write("b.json", "{\"_base_\": \"c.json\"}");
        var c = folder.Write("c.json", "{\n  \"_base_\": \"b.json\"\n}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(a));

        Assert.Equal($"{c}:2:13: $._base_: inheritance cycle: {b} -> {c} -> {b}", error.Message);
    }

    [Fact]
    public void A_file_naming_itself_as_base_is_a_cycle()
    {
        var a = folder.Write("a.json", "{\"_base_\": \"./a.json\"}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(a));

        Assert.Equal($"{a}:1:12: $._base_: inheritance cycle: {a} -> {a}", error.Message);
    }

    [Fact]
    public void An_inheritance_chain_longer_than_the_limit_is_an_error()
    {
        for (var i = 0; i < 5; i++)
        {
            folder.Write($"c{i}.json", $"{{\"_base_\": \"c{i + 1}.json\"}}");
        }

        folder.Write("c5.json", "{}");

        var error = Assert.Throws<ConfigException>(
            () => ConfigLoader.Load(folder.PathOf("c0.json"), limits: new ConfigReaderLimits { MaxInheritanceDepth = 3 }));

        Assert.Equal(folder.PathOf("c2.json"), error.Location.Path);
        Assert.Contains("the _base_ chain is deeper than 3 files: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3", "$._base_: expected a string or a list of strings (paths of base configs), but found a number")]
    [InlineData("[\"b.json\", null]", "$._base_[1]: expected a string (the path of a base config), but found null")]
    [InlineData("\"\"", "$._base_: the base config path is empty")]
    [InlineData("\"mmpretrain::resnet/resnet50.json\"", "$._base_: package-scoped bases ('mmpretrain::resnet/resnet50.json') are not supported; copy the base config and name it by a path relative to this file")]
    [InlineData("\"../_base_/models/resnet18.py\"", "$._base_: '../_base_/models/resnet18.py' is a .py config; only JSON configs can be inherited (convert it to .json)")]
    public void A_base_of_the_wrong_shape_is_an_error_at_the_value(string value, string expected)
    {
        folder.Write("b.json", "{}");
        var path = folder.Write("a.json", $"{{\"_base_\": {value}}}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(1, error.Location.Line);
        Assert.Equal($"{path}:1:{error.Location.Column}: {expected}", error.Message);
        Assert.Equal(value.StartsWith('[') ? 23 : 12, error.Location.Column);
    }

    [Fact]
    public void A_base_key_below_the_top_level_is_an_error()
    {
        var path = folder.Write("a.json", "{\"model\": {\n  \"_base_\": \"b.json\"}}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal($"{path}:2:3: $.model._base_: \"_base_\" is only allowed at the top level of a config file", error.Message);
    }

    [Fact]
    public void Delete_that_is_not_a_boolean_is_an_error()
    {
        folder.Write("base.json", ModelBase);
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\", \"model\": {\"_delete_\": 1}}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal($"{path}:1:47: $.model._delete_: \"_delete_\" must be true or false, but found a number", error.Message);
    }

    [Fact]
    public void Delete_with_nothing_inherited_is_an_error()
    {
        folder.Write("base.json", ModelBase);
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\",\n \"optim_wrapper\": {\"_delete_\": true, \"type\": \"AmpOptimWrapper\"}}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(
            $"{path}:2:20: $.optim_wrapper: \"_delete_\": true has nothing to replace: nothing is inherited at $.optim_wrapper; remove it",
            error.Message);
    }

    [Fact]
    public void Delete_inside_a_list_item_is_an_error_because_lists_are_replaced_whole()
    {
        folder.Write("base.json", "{\"pipeline\": [{\"type\": \"A\"}]}");
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\", \"pipeline\": [{\"_delete_\": true}]}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(
            $"{path}:1:39: $.pipeline[0]: \"_delete_\": true has nothing to replace: lists are replaced whole, so an object inside a list inherits nothing; remove it",
            error.Message);
    }

    [Fact]
    public void Delete_at_the_top_level_is_an_error()
    {
        folder.Write("base.json", "{}");
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\", \"_delete_\": true}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(
            $"{path}:1:25: $: \"_delete_\" cannot be used at the top level of a config file; to inherit nothing, remove \"_base_\"",
            error.Message);
    }

    [Fact]
    public void A_syntax_error_in_a_base_points_into_the_base_and_names_the_chain()
    {
        var basePath = folder.Write("base.json", "{\n  \"lr\": 0.1 \"x\": 1\n}");
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\"}");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(
            $"{basePath}:2:13: $: expected ',' or '}}' after a member, but found '\"' (in a base config reached via {path} -> {basePath})",
            error.Message);
    }

    [Fact]
    public void A_top_level_value_that_is_not_an_object_is_an_error()
    {
        var path = folder.Write("a.json", "  [1]");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal($"{path}:1:3: $: a config file must hold a JSON object at the top level, but found an array", error.Message);
    }

    [Fact]
    public void A_relative_path_keeps_base_paths_relative_to_the_current_directory()
    {
        // Only the display form is checked; the current directory is process-wide, so it is not changed here.
        var cwd = Directory.GetCurrentDirectory();
        folder.Write("base.json", "{\"a\": 1}");
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\", \"b\": 2}");
        var relative = Path.GetRelativePath(cwd, path);

        var config = ConfigLoader.Load(relative);

        Assert.Equal(relative, config.RootPath);
        Assert.Equal([Path.GetRelativePath(cwd, folder.PathOf("base.json")), relative], config.Files.ToArray());
        Assert.True(config.TryGetLocation("$.a", out var location));
        Assert.Equal(Path.GetRelativePath(cwd, folder.PathOf("base.json")), location.Path);
    }

    [Fact]
    public void A_base_shared_by_two_bases_is_read_once()
    {
        folder.Write("runtime.json", "{}");
        folder.Write("model.json", "{\"_base_\": \"runtime.json\", \"model\": {}}");
        folder.Write("schedule.json", "{\"_base_\": \"runtime.json\", \"lr\": 0.1}");
        var path = folder.Write("a.json", "{\"_base_\": [\"model.json\", \"schedule.json\"]}");

        var config = ConfigLoader.Load(path);

        Assert.Equal("{\"model\":{},\"lr\":0.1}", config.ToJsonString(indented: false));
        Assert.Equal(
            [folder.PathOf("runtime.json"), folder.PathOf("model.json"), folder.PathOf("schedule.json"), path],
            config.Files.ToArray());
    }

    [Fact]
    public void A_device_that_never_ends_is_refused_before_it_is_read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load("/dev/zero"));

        Assert.Equal(
            "/dev/zero: this is a character device, not a config file; a config must be a regular file",
            error.Message);
    }
}
