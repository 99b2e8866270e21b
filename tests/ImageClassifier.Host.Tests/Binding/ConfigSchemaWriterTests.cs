using System.Text.Json;
using System.Text.Json.Nodes;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Hosting.Tests.Binding;

/// <summary>The schema's structure: every component, its members and constraints, and references that resolve.</summary>
public sealed class ConfigSchemaWriterTests
{
    private static readonly string[] JsonTypes = ["object", "array", "string", "number", "integer", "boolean", "null"];

    private readonly ConfigBinder binder = BindingTestCatalog.Binder();
    private readonly JsonObject schema;

    public ConfigSchemaWriterTests()
    {
        schema = binder.CreateSchema();
    }

    private JsonObject Defs => schema["$defs"]!.AsObject();

    [Fact]
    public void The_top_level_is_a_closed_object_of_the_run_config_sections()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)schema["$schema"]);
        Assert.Equal("object", (string?)schema["type"]);
        Assert.False((bool)schema["additionalProperties"]!);
        var properties = schema["properties"]!.AsObject();
        Assert.Equal(RunConfigSection.All.Select(section => section.Key).Prepend("_base_"), properties.Select(property => property.Key));
        Assert.Equal("#/$defs/kind:network", (string?)properties["model"]!["$ref"]);
        Assert.Equal(new JsonArray("object", "null").ToJsonString(), properties["train_dataloader"]!["type"]!.ToJsonString());
        Assert.Equal("string", (string?)properties["work_dir"]!["type"]);
        Assert.False(string.IsNullOrEmpty((string?)properties["optim_wrapper"]!["description"]));
    }

    [Fact]
    public void Every_registered_component_has_an_entry_under_its_kind_with_its_names_as_type()
    {
        foreach (var registration in binder.Components)
        {
            var entry = Defs[$"{registration.Kind}:{registration.Name}"]!.AsObject();
            var type = entry["properties"]!["type"]!;
            var names = type["const"] is { } single ? [(string)single!] : type["enum"]!.AsArray().Select(name => (string)name!).ToArray();
            Assert.Equal(registration.Aliases.Prepend(registration.Name), names);
            Assert.Equal("object", (string?)entry["type"]);
            Assert.False((bool)entry["additionalProperties"]!);
            Assert.Contains("type", entry["required"]!.AsArray().Select(name => (string)name!));

            var kind = Defs[$"kind:{registration.Kind}"]!["oneOf"]!.AsArray().Select(reference => (string)reference!["$ref"]!);
            Assert.Contains($"#/$defs/{registration.Kind}:{registration.Name}", kind);
        }

        Assert.Equal(["kind:backbone", "kind:head", "kind:loss", "kind:neck", "kind:network"], Defs.Select(entry => entry.Key).Where(key => key.StartsWith("kind:", StringComparison.Ordinal)));
        Assert.Equal(new JsonArray("ToyLoss", "ToyCrossEntropy").ToJsonString(), Defs["loss:ToyLoss"]!["properties"]!["type"]!["enum"]!.ToJsonString());
    }

    [Fact]
    public void A_kind_with_a_default_component_lets_type_out_for_that_component_only()
    {
        var builtIn = new ConfigBinder(BuiltInComponents.CreateCatalog()).CreateSchema()["$defs"]!.AsObject();

        Assert.Null(builtIn["kind:preprocessor"]!["required"]);
        Assert.DoesNotContain("type", builtIn["preprocessor:ClsDataPreprocessor"]!["required"]!.AsArray().Select(name => (string)name!));
        Assert.Contains("type", builtIn["kind:backbone"]!["required"]!.AsArray().Select(name => (string)name!));
        Assert.Contains("type", builtIn["backbone:ResNet"]!["required"]!.AsArray().Select(name => (string)name!));
    }

    [Fact]
    public void Members_carry_their_json_types_defaults_docs_and_requiredness()
    {
        var toyNet = Defs["backbone:ToyNet"]!;
        var members = toyNet["properties"]!.AsObject();

        Assert.Equal(["type", "_delete_", "depth", "in_channels", "base_channels", "out_indices", "style", "deep_stem", "drop_rate", "frozen_stages"], members.Select(member => member.Key));
        Assert.Equal(["type", "depth"], toyNet["required"]!.AsArray().Select(name => (string)name!));
        Assert.Equal("ToyNet", (string?)toyNet["title"]);
        Assert.StartsWith("A small convolutional backbone", (string?)toyNet["description"], StringComparison.Ordinal);
        Assert.Equal("integer", (string?)members["depth"]!["type"]);
        Assert.Null(members["depth"]!["default"]);
        Assert.Equal("How many stages: 1, 2 or 4.", (string?)members["depth"]!["description"]);
        Assert.Equal(3, (int)members["in_channels"]!["default"]!);
        Assert.Equal("[0]", members["out_indices"]!["default"]!.ToJsonString());
        // A list member also takes a single item (a list of one), or null here.
        Assert.Equal("""["array","integer","null"]""", AlternativeTypes(members["out_indices"]!));
        Assert.Equal("boolean", (string?)members["deep_stem"]!["type"]);
        Assert.Equal("number", (string?)members["drop_rate"]!["type"]);
        Assert.Equal("""["integer","null"]""", members["frozen_stages"]!["type"]!.ToJsonString());

        // ToyNet_CIFAR gives depth a default, so only "type" is required there.
        Assert.Equal(["type"], Defs["backbone:ToyNet_CIFAR"]!["required"]!.AsArray().Select(name => (string)name!));
        Assert.Equal(2, (int)Defs["backbone:ToyNet_CIFAR"]!["properties"]!["depth"]!["default"]!);
    }

    [Fact]
    public void Constraints_become_enum_minimum_and_maximum_per_item_for_lists()
    {
        var members = Defs["backbone:ToyNet"]!["properties"]!;

        Assert.Equal("[1,2,4]", members["depth"]!["enum"]!.ToJsonString());
        Assert.Equal(1, (int)members["in_channels"]!["minimum"]!);
        Assert.Equal(1, (int)members["base_channels"]!["minimum"]!);
        Assert.Equal(64, (int)members["base_channels"]!["maximum"]!);
        Assert.Equal("""["pytorch","caffe"]""", members["style"]!["enum"]!.ToJsonString());
        Assert.Equal(0, (int)members["drop_rate"]!["minimum"]!);
        Assert.Equal(1, (int)members["drop_rate"]!["exclusiveMaximum"]!);
        Assert.Null(members["drop_rate"]!["maximum"]);
        var (list, single) = ListAndSingle(members["out_indices"]!);
        var items = list["items"]!;
        Assert.Equal("integer", (string?)items["type"]);
        Assert.Equal(0, (int)items["minimum"]!);
        Assert.Equal(3, (int)items["maximum"]!);
        Assert.Equal(0, (int)single["minimum"]!);
        Assert.Equal(3, (int)single["maximum"]!);
        Assert.Null(list["minimum"]);
        Assert.Equal(0, (int)ListAndSingle(Defs["loss:ToyLoss"]!["properties"]!["class_weight"]!).List["items"]!["minimum"]!);
    }

    [Fact]
    public void Enums_list_their_names_and_null_when_nullable()
    {
        var loss = Defs["loss:ToyLoss"]!["properties"]!;
        var head = Defs["head:ToyHead"]!["properties"]!;

        Assert.Equal("""["none","mean","sum"]""", loss["reduction"]!["enum"]!.ToJsonString());
        Assert.Equal("mean", (string?)loss["reduction"]!["default"]);
        Assert.Equal("""["none","uniform","label_relaxation"]""", loss["smoothing"]!["enum"]!.ToJsonString());
        Assert.Equal("""["none","mean","sum",null]""", head["reduction_override"]!["enum"]!.ToJsonString());
        Assert.Equal("""["string","null"]""", head["reduction_override"]!["type"]!.ToJsonString());
    }

    [Fact]
    public void Nested_components_refer_to_their_kind()
    {
        var network = Defs["network:ToyClassifier"]!["properties"]!;
        var head = Defs["head:ToyHead"]!["properties"]!;

        Assert.Equal("#/$defs/kind:backbone", (string?)network["backbone"]!["$ref"]);
        Assert.Equal("""[{"$ref":"#/$defs/kind:neck"},{"type":"null"}]""", network["neck"]!["anyOf"]!.ToJsonString());
        Assert.Equal("""[{"$ref":"#/$defs/kind:loss"},{"type":"null"}]""", head["loss"]!["anyOf"]!.ToJsonString());
        Assert.Equal(["type", "backbone", "head"], Defs["network:ToyClassifier"]!["required"]!.AsArray().Select(name => (string)name!));
    }

    [Fact]
    public void Every_reference_resolves_and_every_keyword_is_well_formed()
    {
        var references = 0;
        Walk(schema, "#", node =>
        {
            if (node["$ref"] is { } reference)
            {
                references++;
                var target = (string)reference!;
                Assert.StartsWith("#/$defs/", target, StringComparison.Ordinal);
                Assert.True(Defs.ContainsKey(target["#/$defs/".Length..]), $"{target} does not resolve");
            }

            if (node["type"] is JsonValue single && single.TryGetValue<string>(out var name))
            {
                Assert.Contains(name, JsonTypes);
            }
            else if (node["type"] is JsonArray several && node["const"] is null)
            {
                Assert.All(several, type => Assert.Contains((string)type!, JsonTypes));
                Assert.Equal(several.Count, several.Select(type => (string)type!).Distinct().Count());
            }

            foreach (var keyword in new[] { "oneOf", "anyOf", "required", "enum" })
            {
                if (node[keyword] is { } list)
                {
                    Assert.NotEmpty(list.AsArray());
                }
            }

            foreach (var keyword in new[] { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" })
            {
                if (node[keyword] is { } bound)
                {
                    Assert.Equal(JsonValueKind.Number, bound.GetValueKind());
                }
            }

            if (node["required"] is JsonArray required && node["properties"] is JsonObject properties)
            {
                Assert.All(required, name => Assert.True(properties.ContainsKey((string)name!)));
            }
        });

        Assert.True(references > binder.Components.Count);
    }

    [Fact]
    public void The_schema_is_plain_json_that_parses_back()
    {
        var text = schema.ToJsonString(binder.SerializerOptions);

        using var parsed = JsonDocument.Parse(text);

        Assert.Equal(JsonValueKind.Object, parsed.RootElement.GetProperty("$defs").ValueKind);
    }

    private static void Walk(JsonNode? node, string path, Action<JsonObject> visit)
    {
        switch (node)
        {
            case JsonObject obj:
                visit(obj);
                foreach (var (key, value) in obj)
                {
                    // Defaults and enums hold data, not schemas.
                    if (key is not ("default" or "enum" or "const"))
                    {
                        Walk(value, $"{path}/{key}", visit);
                    }
                }

                break;
            case JsonArray array:
                for (var index = 0; index < array.Count; index++)
                {
                    Walk(array[index], $"{path}/{index}", visit);
                }

                break;
        }
    }

    /// <summary>The JSON types a member's alternatives (anyOf) allow, in order.</summary>
    private static string AlternativeTypes(JsonNode member) =>
        new JsonArray([.. member["anyOf"]!.AsArray().Select(alternative => (JsonNode?)JsonValue.Create((string?)alternative!["type"]))]).ToJsonString();

    /// <summary>The list form and the single-item form of a list member's schema.</summary>
    private static (JsonNode List, JsonNode Single) ListAndSingle(JsonNode member)
    {
        var alternatives = member["anyOf"]!.AsArray();
        return (alternatives.Single(alternative => (string?)alternative!["type"] == "array")!, alternatives[1]!);
    }
}
