using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Tests.TestHelpers;
using ImageClassifier.Hosting.Tests.Configuration;
using ImageClassifier.Hosting.Tests.Validation;
using static ImageClassifier.Hosting.Tests.Validation.ValidationConfigs;

namespace ImageClassifier.Cli.Tests.Commands;

/// <summary>icls build over the built-in components: the input it reads from the config and the wiring check.</summary>
public sealed class BuildCommandTests : IDisposable
{
    private readonly TempConfigFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Parts_that_do_not_fit_are_a_config_error_before_anything_is_printed()
    {
        var text = Config(backbone: """{"type": "ResNet", "depth": 18}""", head: Head(256));
        var path = folder.Write("resnet18.json", text);
        var (line, column) = PositionOf(text, "256");

        var run = Run("build", path);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal(
            $"error: {path}:{line}:{column}: $.model.head.in_channels: LinearClsHead expects 256 input features, but ResNet (model.backbone) with GlobalAveragePooling (model.neck) gives 512; set in_channels to 512\n",
            run.Error.ReplaceLineEndings("\n"));
        ValidateCommandTests.AssertNoNativeTrace(run.Error);
    }

    [Fact]
    public void Without_input_shape_the_input_comes_from_the_config()
    {
        var path = folder.Write("mnist.json", Config(
            backbone: """{"type": "ResNet", "depth": 18, "in_channels": 1, "stem_channels": 8, "base_channels": 8}""",
            sections: Loader("test_dataloader", "MNIST", """{"type": "CenterCrop", "crop_size": 24}, {"type": "PackInputs"}""")));

        var run = Run("build", path, "--depth", "1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains(
            "Input: (1, 1, 24, 24) (24x24 from test_dataloader.dataset.pipeline[0].crop_size (CenterCrop), 1 channel from the images of MNIST (test_dataloader.dataset))\n",
            run.Output.ReplaceLineEndings("\n"),
            StringComparison.Ordinal);
        Assert.Contains("Output: (1, 10)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_shape_that_does_not_fit_is_named_as_the_cause_without_telling_the_config_to_follow_it()
    {
        var path = folder.Write("resnet.json", Config());

        var run = Run("build", path, "--input-shape", "1,1,32,32");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.EndsWith("$.model.backbone.in_channels: ResNet expects 3 input channels, but the input has 1 (--input-shape)\n", run.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        ValidateCommandTests.AssertNoNativeTrace(run.Error);
    }

    private static CliRun Run(params string[] args) => CliRun.Invoke(() => ValidationConfigs.Catalog, args);
}
