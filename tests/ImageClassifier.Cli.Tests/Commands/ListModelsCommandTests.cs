using System.Text.Json;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Tests.TestHelpers;
using ImageClassifier.Hosting.Tests.TestComponents;

namespace ImageClassifier.Cli.Tests.Commands;

public sealed class ListModelsCommandTests
{
    [Fact]
    public void Lists_every_component_in_a_table()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "list-models");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Empty(run.Error);
        foreach (var expected in new[] { "Kind", "Name", "TinyNet", "tiny_net", "ResNet_CIFAR", "my-plugin", "GlobalAveragePooling", "The TinyNet test backbone." })
        {
            Assert.Contains(expected, run.Output);
        }

        Assert.Contains("5 components.", run.Output);
        Assert.True(run.Output.IndexOf("ResNet_CIFAR", StringComparison.Ordinal) < run.Output.IndexOf("GlobalAveragePooling", StringComparison.Ordinal));
    }

    [Fact]
    public void Archs_are_listed_and_with_params_counted_by_building_each()
    {
        var table = CliRun.Invoke(BuiltInComponents.CreateCatalog, "list-models", "ResNet", "--kind", "backbone");
        var counted = CliRun.Invoke(BuiltInComponents.CreateCatalog, "list-models", "ResNet", "--kind", "backbone", "--params", "--json");

        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("Archs", table.Output);
        Assert.Contains("152", table.Output);
        Assert.Equal(ExitCodes.Ok, counted.ExitCode);
        using var json = JsonDocument.Parse(counted.Output);
        var archs = json.RootElement.GetProperty("components")[0].GetProperty("archs").EnumerateArray().ToArray();
        Assert.Equal(["18", "34", "50", "101", "152"], archs.Select(arch => arch.GetProperty("name").GetString()));

        // torchvision's resnet18 and resnet50 have 11,689,512 and 25,557,032 parameters, their fc
        // layers (512 and 2048 inputs, 1000 outputs) 513,000 and 2,049,000 of them; a backbone has none.
        Assert.Equal(11_689_512 - 513_000, archs[0].GetProperty("parameters").GetInt64());
        Assert.Equal(25_557_032 - 2_049_000, archs[2].GetProperty("parameters").GetInt64());
    }

    [Fact]
    public void Filters_by_pattern_and_kind()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "list-models", "*net*", "--kind", "backbone");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("TinyNet", run.Output);
        Assert.Contains("ResNet_CIFAR", run.Output);
        Assert.DoesNotContain("GlobalAveragePooling", run.Output);
        Assert.DoesNotContain("Shared", run.Output);
        Assert.Contains("2 components (of 5 registered).", run.Output);
    }

    [Fact]
    public void Json_output_parses_back_with_snake_case_keys_sorted_by_kind_then_name()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "list-models", "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("pattern").ValueKind);
        Assert.Equal(5, root.GetProperty("count").GetInt32());
        var components = root.GetProperty("components").EnumerateArray().ToArray();
        Assert.Equal(
            ["backbone/ResNet_CIFAR", "backbone/Shared", "backbone/TinyNet", "neck/GlobalAveragePooling", "neck/Shared"],
            components.Select(c => $"{c.GetProperty("kind").GetString()}/{c.GetProperty("name").GetString()}"));
        var tiny = components[2];
        Assert.Equal(["tiny_net"], tiny.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(typeof(TinyNet).FullName, tiny.GetProperty("component_type").GetString());
        Assert.Equal(typeof(TinyNetConfig).FullName, tiny.GetProperty("config_type").GetString());
        Assert.Equal("built-in", tiny.GetProperty("origin").GetString());
        Assert.Equal("ImageClassifier.Cli.Tests", tiny.GetProperty("assembly_name").GetString());
        Assert.Equal("The TinyNet test backbone.", tiny.GetProperty("summary").GetString());
    }

    [Fact]
    public void Json_output_names_the_pattern_and_the_kind_as_the_catalog_spells_it()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "list-models", "g*", "--kind", "Neck", "--json");

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("g*", json.RootElement.GetProperty("pattern").GetString());
        Assert.Equal("neck", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public void An_unknown_kind_is_bad_input()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "list-models", "--kind", "bakbone");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal("error: There is no component kind 'bakbone'. Known kinds: backbone, neck. Did you mean 'backbone'?", run.Error.Trim());
    }

    [Fact]
    public void No_match_gives_a_note_and_a_hint_for_patterns_without_wildcards()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "list-models", "tiny");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("No component matches 'tiny'. Patterns match whole names; try '*tiny*'.", run.Output);
    }

    [Fact]
    public void An_empty_catalog_lists_nothing_with_a_note()
    {
        var catalog = new ComponentCatalog();
        catalog.DeclareKind(typeof(TestBackbone));

        var table = CliRun.Invoke(catalog, "list-models");
        var json = CliRun.Invoke(catalog, "list-models", "--json");

        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("No components are registered yet (known kinds: backbone).", table.Output);
        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        Assert.Equal(0, JsonDocument.Parse(json.Output).RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public void The_built_in_catalog_lists_whether_or_not_the_model_zoo_has_components_yet()
    {
        var table = CliRun.Invoke(BuiltInComponents.CreateCatalog, "list-models");
        var json = CliRun.Invoke(BuiltInComponents.CreateCatalog, "list-models", "--json");

        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Empty(table.Error);
        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        Assert.All(
            document.RootElement.GetProperty("components").EnumerateArray(),
            component => Assert.Equal(BuiltInComponents.Origin, component.GetProperty("origin").GetString()));
    }

    [Fact]
    public void The_built_in_catalog_knows_the_model_kinds_and_the_zoos_layer_kinds()
    {
        var kinds = BuiltInComponents.CreateCatalog().Kinds.Select(kind => kind.Name).ToArray();

        Assert.Subset(kinds.ToHashSet(), new HashSet<string> { "backbone", "neck", "head", "loss", "classifier", "norm", "activation", "conv", "init" });
        Assert.Equal(kinds.Order(StringComparer.Ordinal), kinds);
    }
}
