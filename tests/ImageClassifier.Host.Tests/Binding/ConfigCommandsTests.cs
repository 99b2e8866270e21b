using System.Text.Json;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Tests.TestHelpers;
using ImageClassifier.Hosting.Tests.Configuration;

namespace ImageClassifier.Hosting.Tests.Binding;

/// <summary>validate, print-config, schema and build, run in-process over the binding test components.</summary>
public sealed class ConfigCommandsTests : IDisposable
{
    private const string GoodConfig = """
        {
          // a small classifier for 32x32 images
          "model": {
            "type": "ToyClassifier",
            "backbone": {"type": "ToyNet_CIFAR", "out_indices": [0, 1]},
            "neck": {"type": "ToyPooling"},
            "head": {"type": "ToyHead", "num_classes": 10, "in_channels": 16, "loss": {"type": "ToyLoss"}}
          },
          "work_dir": "work_dirs/toy",
          "train_cfg": {"by_epoch": true, "max_epochs": 2}
        }
        """;

    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Validate_binds_and_builds_a_good_config()
    {
        var path = folder.Write("good.json", GoodConfig);

        var run = Run("validate", path);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Empty(run.Error);
        Assert.Equal($"OK: {path}: model 'ToyClassifier' (a network) with 1,746 parameters; a (1, 3, 224, 224) input gives (1, 10); 2 other sections.\n", run.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Validate_reports_a_binding_error_with_its_location_and_exit_code_2_without_a_stack_trace()
    {
        var path = folder.Write("bad.json", GoodConfig.Replace("\"num_classes\": 10", "\"num_class\": 10", StringComparison.Ordinal));

        var run = Run("validate", path);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal(
            $"error: {path}:7:33: $.model.head.num_class: ToyHead (a head) has no member 'num_class'; did you mean 'num_classes'?\n",
            run.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Validate_prints_the_stack_trace_with_verbose()
    {
        var path = folder.Write("bad.json", GoodConfig.Replace("\"ToyNet_CIFAR\", ", "\"ToyNet_CIFAR\", \"deep_stem\": true, ", StringComparison.Ordinal));

        var run = Run("validate", path, "--verbose");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"error: {path}:5:55: $.model.backbone.deep_stem: ToyNet_CIFAR (a backbone) rejected its config: deep_stem must be false", run.Error, StringComparison.Ordinal);
        Assert.Contains("ConfigValueException", run.Error, StringComparison.Ordinal);
        Assert.Contains(" at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_applies_cfg_options_and_locates_their_errors()
    {
        var path = folder.Write("good.json", GoodConfig);

        // ToyNet's stage i gives 4 * 2^(i+1) channels: the head reads the last of out_indices.
        var fixedRun = Run("validate", path, "--cfg-options", "model.backbone.depth=4", "model.backbone.out_indices=[0,3]", "model.head.in_channels=64");
        var miswiredRun = Run("validate", path, "--cfg-options", "model.backbone.depth=4", "model.head.in_channels=64");
        var brokenRun = Run("validate", path, "--cfg-options", "model.backbone.depth=3");

        Assert.Equal(ExitCodes.Ok, fixedRun.ExitCode);
        Assert.Equal(ExitCodes.BadInput, miswiredRun.ExitCode);
        Assert.Equal(
            "error: --cfg-options argument 2, column 24: $.model.head.in_channels: ToyHead expects 64 input features, but ToyNet_CIFAR (model.backbone) with ToyPooling (model.neck) gives 16; set in_channels to 16\n",
            miswiredRun.Error.ReplaceLineEndings("\n"));
        Assert.StartsWith($"OK: {path}: model 'ToyClassifier'", fixedRun.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, brokenRun.ExitCode);
        Assert.Equal("error: --cfg-options argument 1, column 22: $.model.backbone.depth: depth must be one of 1, 2, 4, but got 3.\n", brokenRun.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Validate_accepts_a_config_without_a_model()
    {
        var path = folder.Write("schedule.json", """{"optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.1}}}""");

        var run = Run("validate", path);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal($"OK: {path}: no model section; 1 other section.\n", run.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Validate_reports_a_missing_file_as_a_config_error()
    {
        var path = folder.PathOf("missing.json");

        var run = Run("validate", path);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"error: {path}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Print_config_prints_the_merged_config()
    {
        folder.Write("base.json", GoodConfig);
        var path = folder.Write("child.json", """{"_base_": "base.json", "model": {"head": {"num_classes": 100}}, "work_dir": "out"}""");

        var run = Run("print-config", path, "--cfg-options", "train_cfg.max_epochs=5");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal(100, root.GetProperty("model").GetProperty("head").GetProperty("num_classes").GetInt32());
        Assert.Equal("out", root.GetProperty("work_dir").GetString());
        Assert.Equal(5, root.GetProperty("train_cfg").GetProperty("max_epochs").GetInt32());
        Assert.False(root.TryGetProperty("_base_", out _));
    }

    [Fact]
    public void Print_config_annotates_where_each_value_was_set()
    {
        var basePath = folder.Write("base.json", GoodConfig);
        var path = folder.Write("child.json", """{"_base_": "base.json", "work_dir": "out"}""");

        var run = Run("print-config", path, "--annotate");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains($"// {basePath}:5:", run.Output, StringComparison.Ordinal);
        Assert.Contains($"\"work_dir\": \"out\"", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Print_config_with_defaults_prints_every_member_of_the_bound_model()
    {
        var path = folder.Write("good.json", GoodConfig);

        var run = Run("print-config", path, "--with-defaults");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var backbone = json.RootElement.GetProperty("model").GetProperty("backbone");
        Assert.Equal("ToyNet_CIFAR", backbone.GetProperty("type").GetString());
        Assert.Equal(2, backbone.GetProperty("depth").GetInt32());
        Assert.Equal(3, backbone.GetProperty("in_channels").GetInt32());
        Assert.Equal("mean", json.RootElement.GetProperty("model").GetProperty("head").GetProperty("loss").GetProperty("reduction").GetString());
        Assert.Equal("work_dirs/toy", json.RootElement.GetProperty("work_dir").GetString());
    }

    [Fact]
    public void Print_config_reports_a_broken_file_with_exit_code_2()
    {
        var path = folder.Write("broken.json", "{\"model\": {,}}");

        var run = Run("print-config", path);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"error: {path}:1:12: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_writes_the_schema_to_the_output_or_a_file()
    {
        var file = folder.PathOf("schemas/config.schema.json");

        var printed = Run("schema");
        var written = Run("schema", "--output", file);

        Assert.Equal(ExitCodes.Ok, printed.ExitCode);
        using var json = JsonDocument.Parse(printed.Output);
        Assert.True(json.RootElement.GetProperty("$defs").TryGetProperty("backbone:ToyNet_CIFAR", out _));
        Assert.Equal(ExitCodes.Ok, written.ExitCode);
        Assert.Equal($"Wrote the config schema (6 components in 5 kinds) to {file}.\n", written.Output.ReplaceLineEndings("\n"));
        Assert.Equal(printed.Output.Trim(), File.ReadAllText(file).Trim());
    }

    [Fact]
    public void Build_prints_the_module_tree_the_parameter_count_and_the_output_shape()
    {
        var path = folder.Write("good.json", GoodConfig);

        var run = Run("build", path, "--input-shape", "2,3,32,32");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Empty(run.Error);
        foreach (var expected in new[]
        {
            "model: ToyClassifier (network), 1,746 parameters",
            "backbone: ToyNet_CIFAR (backbone), 1,576 parameters",
            "neck: ToyPooling (neck), 0 parameters",
            "head: ToyHead (head), 170 parameters",
            "loss_module: ToyLoss (loss), 0 parameters",
            "fc: Linear, 170 parameters",
            "stages: ModuleList<Sequential>, 1,464 parameters",
            "Parameters: 1,746 (1,746 trainable)",
            "Input: (2, 3, 32, 32)",
            "Output: (2, 10)",
        })
        {
            Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Build_limits_the_tree_to_the_asked_depth()
    {
        var path = folder.Write("good.json", GoodConfig);

        var run = Run("build", path, "--input-shape", "1,3,16,16", "--depth", "1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("backbone: ToyNet_CIFAR (backbone)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fc: Linear", run.Output, StringComparison.Ordinal);
        Assert.Contains("Output: (1, 10)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_reports_config_errors_and_bad_shapes_as_bad_input()
    {
        var path = folder.Write("bad.json", GoodConfig.Replace("\"ToyNet_CIFAR\"", "\"ToyNet_CIFR\"", StringComparison.Ordinal));
        var good = folder.Write("good.json", GoodConfig);

        var configError = Run("build", path);
        var shapeError = Run("build", good, "--input-shape", "1,3,x");
        var noModel = Run("build", folder.Write("none.json", "{\"work_dir\": \"out\"}"));

        Assert.Equal(ExitCodes.BadInput, configError.ExitCode);
        Assert.Equal($"error: {path}:5:26: $.model.backbone.type: no backbone named 'ToyNet_CIFR'; did you mean 'ToyNet_CIFAR'?\n", configError.Error.ReplaceLineEndings("\n"));
        Assert.Equal(ExitCodes.BadInput, shapeError.ExitCode);
        Assert.Contains("--input-shape must be positive integers separated by commas", shapeError.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, noModel.ExitCode);
        Assert.Contains("$.model: missing: expected a component config here", noModel.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_config_commands_are_listed_in_the_help()
    {
        var run = Run("--help");

        foreach (var command in new[] { "validate", "print-config", "schema", "build" })
        {
            Assert.Contains(command, run.Output, StringComparison.Ordinal);
        }
    }

    private static CliRun Run(params string[] args) => CliRun.Invoke(BindingTestCatalog.Create, args);
}
