using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

public sealed class LoadImageFromFileTests
{
    private static ImageClassifierHost Host => BuiltInHost.Instance;

    [Fact]
    public void Mmpretrains_keys_bind_as_written()
    {
        var config = new ConfigBinder(Host.Catalog).BindComponentJson(
            """{"type": "LoadImageFromFile", "color_type": "grayscale", "imdecode_backend": "pillow", "to_float32": true}""",
            typeof(Transform));

        var step = Assert.IsType<LoadImageFromFile>(Host.Build(config));

        Assert.Equal(ColorType.Grayscale, step.ColorType);
        Assert.Equal("pillow", step.ImdecodeBackend);
        Assert.True(step.ToFloat32);
    }

    [Fact]
    public void Without_a_color_type_the_dataset_decides()
    {
        var config = new ConfigBinder(Host.Catalog).BindComponentJson("""{"type": "LoadImageFromFile"}""", typeof(Transform));

        Assert.Null(Assert.IsType<LoadImageFromFile>(Host.Build(config)).ColorType);
    }

    [Fact]
    public void An_unknown_decoder_is_a_config_error_naming_the_choices()
    {
        var error = Assert.ThrowsAny<Exception>(() => Host.Build(new ConfigBinder(Host.Catalog).BindComponentJson(
            """{"type": "LoadImageFromFile", "imdecode_backend": "opencv"}""", typeof(Transform))));

        Assert.Contains("imdecode_backend", error.Message, StringComparison.Ordinal);
        Assert.Contains("pillow", error.Message, StringComparison.Ordinal);
    }
}
