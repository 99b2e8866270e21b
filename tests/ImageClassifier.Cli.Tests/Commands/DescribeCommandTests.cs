using System.Text.Json;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Tests.TestHelpers;
using ImageClassifier.Hosting.Tests.TestComponents;

namespace ImageClassifier.Cli.Tests.Commands;

public sealed class DescribeCommandTests
{
    [Fact]
    public void Describes_a_component_with_its_parameters()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "describe", "tiny_net");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Empty(run.Error);
        foreach (var expected in new[]
        {
            "TinyNet (backbone)", "The TinyNet test backbone.", typeof(TinyNet).FullName!, typeof(TinyNetConfig).FullName!,
            "built-in", "ImageClassifier.Cli.Tests", "out_indices", "OutIndices", "[3]", "between 0 and 3",
            "(from BaseNet)", "depth", "required", "one of 18, 34", "drop_rate", "double?",
        })
        {
            Assert.Contains(expected, run.Output);
        }
    }

    [Fact]
    public void Json_output_parses_back_with_snake_case_keys()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "describe", "TinyNet", "--kind", "backbone", "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("TinyNet", root.GetProperty("name").GetString());
        Assert.Equal("backbone", root.GetProperty("kind").GetString());
        Assert.Equal(typeof(TinyNet).FullName, root.GetProperty("component_type").GetString());
        Assert.Equal(typeof(TestBackbone).FullName, root.GetProperty("kind_type").GetString());
        Assert.Equal("ImageClassifier.Cli.Tests", root.GetProperty("assembly_name").GetString());
        Assert.Equal(typeof(TinyNet).Assembly.Location, root.GetProperty("assembly_path").GetString());
        Assert.False(root.GetProperty("override").GetBoolean());
        Assert.Empty(root.GetProperty("replaces").EnumerateArray());

        var parameters = root.GetProperty("parameters").EnumerateArray().ToArray();
        Assert.Equal(["out_indices", "depth", "drop_rate"], parameters.Select(p => p.GetProperty("json_name").GetString()));
        var outIndices = parameters[0];
        Assert.Equal("OutIndices", outIndices.GetProperty("name").GetString());
        Assert.Equal("int[]", outIndices.GetProperty("type").GetString());
        Assert.Equal("[3]", outIndices.GetProperty("default_json").GetString());
        Assert.Equal("BaseNet", outIndices.GetProperty("declared_by").GetString());
        Assert.Equal(["between 0 and 3"], outIndices.GetProperty("constraints").EnumerateArray().Select(c => c.GetString()));
        Assert.True(parameters[1].GetProperty("required").GetBoolean());
        Assert.Equal(JsonValueKind.Null, parameters[1].GetProperty("default_json").ValueKind);
    }

    [Fact]
    public void An_unknown_name_is_bad_input_with_suggestions_and_no_stack_trace()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "describe", "ResNet_CIFR", "--kind", "backbone");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal("error: No backbone named 'ResNet_CIFR' is registered. Did you mean 'ResNet_CIFAR'?", run.Error.Trim());
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "describe", "ResNet_CIFR", "--verbose");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("error: No component named 'ResNet_CIFR' is registered.", run.Error);
        Assert.Contains(" at ImageClassifier.Hosting.Catalog.ComponentCatalog.Find", run.Error);
    }

    [Fact]
    public void A_name_of_several_kinds_without_a_kind_is_bad_input()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "describe", "Shared");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("'Shared' names components of several kinds", run.Error);
    }

    [Fact]
    public void A_name_under_another_kind_says_so()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "describe", "GAP", "-k", "backbone");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("'GAP' is a neck, not a backbone.", run.Error);
    }

    [Fact]
    public void A_missing_name_is_bad_usage()
    {
        var run = CliRun.Invoke(CliRun.SampleCatalog(), "describe");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Contains("Run 'icls describe --help' for usage.", run.Error);
    }
}
