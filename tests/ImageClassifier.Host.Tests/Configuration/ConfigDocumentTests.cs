using System.Text.Json.Nodes;
using ImageClassifier.Hosting.Configuration;

namespace ImageClassifier.Hosting.Tests.Configuration;

public sealed class ConfigDocumentTests : IDisposable
{
    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_merged_config_prints_as_indented_json_in_a_fixed_member_order()
    {
        folder.Write("base.json", "{\"model\": {\"type\": \"ImageClassifier\", \"backbone\": {\"depth\": 50}}, \"lr\": 0.1}");
        var path = folder.Write("a.json", """
            {
              "_base_": "base.json",
              "work_dir": "out/é",
              "model": {"head": {"topk": [1, 5], "loss": null}, "backbone": {"depth": 101.0}},
              "pipeline": [{"type": "Load"}, []],
              "empty": {}
            }
            """);

        var text = ConfigLoader.Load(path).ToJsonString();

        Assert.Equal(
            """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {
                  "depth": 101.0
                },
                "head": {
                  "topk": [1, 5],
                  "loss": null
                }
              },
              "lr": 0.1,
              "work_dir": "out/é",
              "pipeline": [
                {
                  "type": "Load"
                },
                []
              ],
              "empty": {}
            }

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void The_annotated_print_names_where_each_value_was_set_and_reads_back()
    {
        var basePath = folder.Write("base.json", "{\n  \"lr\": 0.1,\n  \"model\": {\"depth\": 50}\n}");
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\", \"model\": {\"depth\": 18}}");
        var config = ConfigLoader.Load(path);

        var text = config.ToAnnotatedJsonString();

        Assert.Contains($"\"lr\": 0.1,  // {basePath}:2:9", text, StringComparison.Ordinal);
        Assert.Contains($"\"depth\": 18  // {path}:1:44", text, StringComparison.Ordinal);
        var reread = ConfigJsonReader.Parse(text, "annotated.json");
        Assert.Equal(config.ToJsonString(indented: false), reread.ToJsonString(indented: false));
    }

    [Fact]
    public void The_json_node_keeps_number_literals_for_the_typed_binding()
    {
        var path = folder.Write("a.json", "{\"depth\": 50, \"lr\": 1.0, \"tiny\": 1e-9, \"name\": \"r\", \"on\": true, \"none\": null, \"list\": [1, {\"a\": 2}]}");

        JsonObject node = ConfigLoader.Load(path).ToJsonNode();

        Assert.Equal("{\"depth\":50,\"lr\":1.0,\"tiny\":1e-9,\"name\":\"r\",\"on\":true,\"none\":null,\"list\":[1,{\"a\":2}]}", node.ToJsonString());
        Assert.Equal(50, node["depth"]!.GetValue<int>());
        Assert.Equal("1.0", node["lr"]!.ToJsonString());
    }

    [Fact]
    public void Every_path_of_the_json_node_maps_back_to_a_location()
    {
        var path = folder.Write("a.json", """
            {
              "model": {"backbone": {"depth": 50, "out_indices": [1, 3]}},
              "odd key": {"a.b": [{"c": 1}]},
              "pipeline": [{"type": "Load"}]
            }
            """);
        var config = ConfigLoader.Load(path);

        var paths = Descendants(config.ToJsonNode()).Select(node => node.GetPath()).ToList();

        Assert.Contains("$['odd key']['a.b'][0].c", paths);
        Assert.All(paths, jsonPath => Assert.True(config.TryGetLocation(jsonPath, out _), jsonPath));
    }

    [Theory]
    [InlineData("$.model.backbone.depth", 2, 35)]
    [InlineData("model.backbone.depth", 2, 35)]
    [InlineData("$.model.backbone.out_indices[1]", 2, 58)]
    [InlineData("$['odd key']['a.b'][0].c", 3, 29)]
    [InlineData("$[\"odd key\"]", 3, 14)]
    [InlineData("$.pipeline[0].type", 4, 25)]
    [InlineData("$", 1, 1)]
    public void TryGetLocation_follows_names_and_indexes(string jsonPath, int line, int column)
    {
        var path = folder.Write("a.json", """
            {
              "model": {"backbone": {"depth": 50, "out_indices": [1, 3]}},
              "odd key": {"a.b": [{"c": 1}]},
              "pipeline": [{"type": "Load"}]
            }
            """);
        var config = ConfigLoader.Load(path);

        Assert.True(config.TryGetLocation(jsonPath, out var location));
        Assert.Equal(new SourceLocation(path, line, column), location);
    }

    [Theory]
    [InlineData("$.model.neck")]
    [InlineData("$.pipeline[5]")]
    [InlineData("$.model.backbone.depth.x")]
    [InlineData("$.model[")]
    [InlineData("$..model")]
    public void TryGetLocation_is_false_for_paths_that_are_missing_or_malformed(string jsonPath)
    {
        var path = folder.Write("a.json", "{\"model\": {\"backbone\": {\"depth\": 50}}, \"pipeline\": []}");

        Assert.False(ConfigLoader.Load(path).TryGetLocation(jsonPath, out _));
    }

    [Fact]
    public void TryGetNameLocation_gives_the_member_name()
    {
        var path = folder.Write("a.json", "{\n  \"model\": {\"depth\": 50}\n}");

        Assert.True(ConfigLoader.Load(path).TryGetNameLocation("$.model.depth", out var location));
        Assert.Equal(new SourceLocation(path, 2, 13), location);
    }

    [Fact]
    public void CreateException_locates_an_inherited_value_in_its_file_and_names_the_chain()
    {
        var basePath = folder.Write("base.json", "{\n  \"model\": {\"backbone\": {\"depth\": \"fifty\"}}\n}");
        var path = folder.Write("a.json", "{\"_base_\": \"base.json\"}");
        var config = ConfigLoader.Load(path);

        var error = config.CreateException("$.model.backbone.depth", "expected an integer, but found a string");

        Assert.Equal(new SourceLocation(basePath, 2, 35), error.Location);
        Assert.Equal("$.model.backbone.depth", error.JsonPath);
        Assert.Equal(
            $"{basePath}:2:35: $.model.backbone.depth: expected an integer, but found a string (inherited via {path} -> {basePath})",
            error.Message);
    }

    [Fact]
    public void CreateException_for_a_missing_member_points_at_its_nearest_parent()
    {
        var path = folder.Write("a.json", "{\n  \"model\": {\"backbone\": {\"type\": \"ResNet\"}}\n}");

        var error = ConfigLoader.Load(path).CreateException("$.model.backbone.depth", "the required member 'depth' is missing");

        Assert.Equal(
            $"{path}:2:25: $.model.backbone.depth: the required member 'depth' is missing",
            error.Message);
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject obj => obj.Select(pair => pair.Value),
            JsonArray array => array,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
