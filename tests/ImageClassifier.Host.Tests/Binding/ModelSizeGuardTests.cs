using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Tests.TestHelpers;
using ImageClassifier.Hosting.Tests.Configuration;

namespace ImageClassifier.Hosting.Tests.Binding;

/// <summary>
/// A model config too large for memory is a config error at the member that made it large, found
/// from the components' estimates before anything is built.
/// </summary>
public sealed class ModelSizeGuardTests : IDisposable
{
    private const string Model = """
        {
          "model": {
            "type": "ImageClassifier",
            "backbone": {"type": "ResNet", "depth": 18, "stem_channels": 16, "base_channels": 16},
            "neck": {"type": "GlobalAveragePooling"},
            "head": {"type": "LinearClsHead", "num_classes": 10, "in_channels": 128}
          }
        }
        """;

    private readonly TempConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("model.head.num_classes=1000000000", "$.model.head.num_classes", 24, "LinearClsHead at $.model.head alone has about 129,000,000,000")]
    [InlineData("model.backbone.stem_channels=10000000", "$.model.backbone.stem_channels", 30, "mostly from stem_channels")]
    [InlineData("model.backbone.base_channels=1000000", "$.model.backbone.base_channels", 30, "mostly from base_channels")]
    public void Validate_refuses_a_model_too_large_at_the_option_that_made_it_so(string option, string jsonPath, int column, string fragment)
    {
        var path = _folder.Write("model.json", Model);

        var run = CliRun.Invoke(BuiltInComponents.CreateCatalog, "validate", path, "--cfg-options", option);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: --cfg-options argument 1, column {column}: {jsonPath}: the model would have about ", run.Error, StringComparison.Ordinal);
        Assert.Contains(fragment, run.Error, StringComparison.Ordinal);
        Assert.Contains(ModelMemoryLimit.Variable, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("frame #", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_set_in_the_file_is_named_at_its_line_and_column()
    {
        var path = _folder.Write("model.json", Model.Replace("\"num_classes\": 10", "\"num_classes\": 2000000000", StringComparison.Ordinal));
        var binder = new ConfigBinder(BuiltInComponents.CreateCatalog());
        var document = ConfigLoader.Load(path);
        var config = binder.Bind(document);

        var error = Assert.IsType<ConfigException>(Record.Exception(() => binder.BuildComponent(document, "$.model", config.Model!)));

        Assert.Equal("$.model.head.num_classes", error.JsonPath);
        Assert.Equal(new SourceLocation(path, 6, 54), error.Location);
    }

    [Fact]
    public void The_limit_is_the_binders_and_a_small_model_passes_under_it()
    {
        var path = _folder.Write("model.json", Model);
        var document = ConfigLoader.Load(path);
        var tight = new ConfigBinder(BuiltInComponents.CreateCatalog()) { ModelMemoryLimitBytes = 1024 };
        var roomy = new ConfigBinder(BuiltInComponents.CreateCatalog()) { ModelMemoryLimitBytes = 1L << 30 };

        var error = Assert.IsType<ConfigException>(Record.Exception(() => tight.BuildComponent(document, "$.model", tight.Bind(document).Model!)));
        Assert.Contains("a model may take at most 1 KiB here", error.Message, StringComparison.Ordinal);

        using var built = (IDisposable)roomy.BuildComponent(document, "$.model", roomy.Bind(document).Model!);
        Assert.NotNull(built);
    }

    [Fact]
    public void The_estimate_is_close_to_the_built_parameter_count()
    {
        var path = _folder.Write("model.json", Model);
        var document = ConfigLoader.Load(path);
        var binder = new ConfigBinder(BuiltInComponents.CreateCatalog()) { ModelMemoryLimitBytes = 1024 };
        var error = Assert.IsType<ConfigException>(Record.Exception(() => binder.BuildComponent(document, "$.model", binder.Bind(document).Model!)));
        var estimated = long.Parse(error.Detail.Split("about ")[1].Split(' ')[0].Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

        var roomy = new ConfigBinder(BuiltInComponents.CreateCatalog()) { ModelMemoryLimitBytes = 1L << 30 };
        using var module = (TorchSharp.torch.nn.Module)roomy.BuildComponent(document, "$.model", roomy.Bind(document).Model!);
        var actual = module.parameters().Sum(parameter => parameter.numel());

        // Norm layers are left out of the estimate; they are well under 2 % here.
        Assert.InRange(estimated, actual * 0.98, actual * 1.0);
    }

    [Theory]
    [InlineData("1073741824", 1L << 30)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData(" 8 GiB ", 8L << 30)]
    [InlineData("3G", 3L << 30)]
    [InlineData("none", long.MaxValue)]
    public void The_limit_reads_sizes(string text, long bytes) => Assert.Equal(bytes, ModelMemoryLimit.Parse(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("5 parsecs")]
    [InlineData("99999999999TiB")]
    public void A_bad_limit_is_a_config_error_naming_the_variable(string text)
    {
        var error = Assert.IsType<ConfigException>(Record.Exception(() => ModelMemoryLimit.Parse(text)));

        Assert.Contains(ModelMemoryLimit.Variable, error.Message, StringComparison.Ordinal);
        Assert.Contains($"={text}", error.Message, StringComparison.Ordinal);
    }
}
