using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Engine.Tests.Engine.Configuration;

/// <summary>
/// <c>optim_wrapper</c> as JSON configs write it: the optimizers by mmpretrain's type names,
/// <c>clip_grad</c> in both of mmengine's forms, <c>accumulative_counts</c>, <c>constructor</c> and
/// <c>paramwise_cfg</c>; every bad value is reported at its key.
/// </summary>
public sealed class OptimWrapperSettingsTests : IDisposable
{
    private const string PlainWrapper = "\"optim_wrapper\": {\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.05, \"momentum\": 0.9, \"weight_decay\": 0.0001}}";
    private const string Sgd = "\"optimizer\": {\"type\": \"SGD\", \"lr\": 0.1, \"weight_decay\": 0.0001}";

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("{\"type\": \"Adam\", \"lr\": 0.001, \"betas\": [0.9, 0.99], \"eps\": 1e-8, \"weight_decay\": 0.0001, \"amsgrad\": true}", typeof(AdamOptimizer))]
    [InlineData("{\"type\": \"RMSprop\", \"lr\": 0.064, \"alpha\": 0.9, \"momentum\": 0.9, \"eps\": 0.0316, \"weight_decay\": 1e-5, \"centered\": false}", typeof(RmspropOptimizer))]
    [InlineData("{\"type\": \"Lamb\", \"lr\": 0.005, \"weight_decay\": 0.02, \"betas\": [0.9, 0.95], \"bias_correction\": true, \"grad_averaging\": true, \"max_grad_norm\": 1.0, \"trust_clip\": false, \"always_adapt\": false, \"eps\": 1e-6}", typeof(LambOptimizer))]
    [InlineData("{\"type\": \"Lion\", \"lr\": 0.0001, \"betas\": [0.9, 0.99], \"weight_decay\": 0.01}", typeof(LionOptimizer))]
    public void mmpretrains_optimizer_configs_bind_to_the_optimizers(string optimizer, Type builder)
    {
        var run = Read(WithWrapper($"{{\"optimizer\": {optimizer}}}"));

        Assert.IsType(builder, run.BuildOptimizer());
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = Read(WithWrapper("""
            {"type": "OptimWrapper", "optimizer": {"type": "SGD", "lr": 0.1, "weight_decay": 0.0001}, "accumulative_counts": 4,
             "clip_grad": {"max_norm": 5.0, "norm_type": "inf", "error_if_nonfinite": true, "foreach": null},
             "constructor": "LearningRateDecayOptimWrapperConstructor",
             "paramwise_cfg": {"layer_decay_rate": 0.65, "norm_decay_mult": 0.0, "bias_decay_mult": 0.5, "flat_decay_mult": 0.0,
                               "custom_keys": {".cls_token": {"decay_mult": 0.0}, "head": {}}}}
            """)).OptimWrapper!;

        Assert.Equal(4, settings.AccumulativeCounts);
        Assert.Equal(new ClipGradSettings { MaxNorm = 5, NormType = double.PositiveInfinity, ErrorIfNonfinite = true }, settings.ClipGrad);
        Assert.Equal(LearningRateDecayOptimWrapperConstructor.TypeName, settings.Constructor);
        var paramwise = settings.Paramwise!;
        Assert.Equal((0.65, 0.0, 0.5, 0.0), (paramwise.LayerDecayRate, paramwise.NormDecayMult, paramwise.BiasDecayMult, paramwise.FlatDecayMult));
        Assert.Equal([new CustomKeySettings(".cls_token", DecayMult: 0.0), new CustomKeySettings("head")], paramwise.CustomKeys);
        Assert.IsType<LearningRateDecayOptimWrapperConstructor>(settings.BuildConstructor());
    }

    [Fact]
    public void The_defaults_are_mmengines()
    {
        var settings = Read(WithWrapper($"{{{Sgd}, \"clip_grad\": {{\"type\": \"value\", \"clip_value\": 0.5}}, \"paramwise_cfg\": {{}}}}")).OptimWrapper!;

        Assert.Equal(1, settings.AccumulativeCounts);
        Assert.Equal(ClipGradSettings.Value(0.5), settings.ClipGrad);
        Assert.Equal(DefaultOptimWrapperConstructor.TypeName, settings.Constructor);
        Assert.Null(settings.Paramwise);
    }

    [Theory]
    [InlineData("\"accumulative_counts\": 0", "$.optim_wrapper.accumulative_counts", "at least 1")]
    [InlineData("\"accumulative_count\": 2", "$.optim_wrapper.accumulative_count", "did you mean 'accumulative_counts'")]
    [InlineData("\"constructor\": \"LayerDecayOptimWrapperConstructor\"", "$.optim_wrapper.constructor", "\"LearningRateDecayOptimWrapperConstructor\"")]
    [InlineData("\"clip_grad\": {\"type\": \"value\"}", "$.optim_wrapper.clip_grad.clip_value", "missing")]
    [InlineData("\"clip_grad\": {\"type\": \"value\", \"clip_value\": 1, \"max_norm\": 1}", "$.optim_wrapper.clip_grad.max_norm", "clipping by norm")]
    [InlineData("\"clip_grad\": {\"clip_value\": 1}", "$.optim_wrapper.clip_grad.clip_value", "\"type\": \"value\"")]
    [InlineData("\"clip_grad\": {\"type\": \"agc\", \"max_norm\": 1}", "$.optim_wrapper.clip_grad.type", "'norm' or 'value'")]
    [InlineData("\"clip_grad\": {\"max_norm\": 1, \"norm_type\": 0}", "$.optim_wrapper.clip_grad.norm_type", "greater than 0")]
    [InlineData("\"clip_grad\": {\"max_norm\": 1, \"error_if_nonfinite\": 1}", "$.optim_wrapper.clip_grad.error_if_nonfinite", "true or false")]
    [InlineData("\"paramwise_cfg\": {\"norm_decay_mul\": 0}", "$.optim_wrapper.paramwise_cfg.norm_decay_mul", "did you mean 'norm_decay_mult'")]
    [InlineData("\"paramwise_cfg\": {\"bias_lr_mult\": -2}", "$.optim_wrapper.paramwise_cfg.bias_lr_mult", "finite number >= 0")]
    [InlineData("\"paramwise_cfg\": {\"custom_keys\": {\"head\": {\"lr_mul\": 10}}}", "$.optim_wrapper.paramwise_cfg.custom_keys.head.lr_mul", "did you mean 'lr_mult'")]
    [InlineData("\"paramwise_cfg\": {\"custom_keys\": {\".pos_embed\": 0}}", "$.optim_wrapper.paramwise_cfg.custom_keys['.pos_embed']", "expected an object")]
    [InlineData("\"paramwise_cfg\": {\"layer_decay_rate\": 0.7}", "$.optim_wrapper.paramwise_cfg.layer_decay_rate", "LearningRateDecayOptimWrapperConstructor")]
    [InlineData("\"constructor\": \"LearningRateDecayOptimWrapperConstructor\", \"paramwise_cfg\": {\"custom_keys\": {\"head\": {\"lr_mult\": 10}}}", "$.optim_wrapper.paramwise_cfg.custom_keys['head'].lr_mult", "does not read it")]
    public void Bad_settings_are_reported_at_their_key(string setting, string path, string detail)
    {
        var error = ReadFails(WithWrapper($"{{{Sgd}, {setting}}}"));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(detail, error.Message);
        Assert.True(error.Location.Line > 1);
    }

    [Theory]
    [InlineData("\"norm_decay_mult\": 0", "$.optim_wrapper.paramwise_cfg.norm_decay_mult")]
    [InlineData("\"custom_keys\": {\"head\": {\"decay_mult\": 0}}", "$.optim_wrapper.paramwise_cfg.custom_keys.head.decay_mult")]
    public void A_decay_multiplier_needs_the_optimizers_weight_decay(string setting, string path)
    {
        var error = ReadFails(WithWrapper($"{{\"optimizer\": {{\"type\": \"AdamW\", \"lr\": 0.001}}, \"paramwise_cfg\": {{{setting}}}}}"));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains("set weight_decay there", error.Message);
    }

    private static string WithWrapper(string wrapper)
    {
        var text = TinyExperiment.ConfigText("/nowhere");
        Assert.Contains(PlainWrapper, text, StringComparison.Ordinal);
        return text.Replace(PlainWrapper, "\"optim_wrapper\": " + wrapper, StringComparison.Ordinal);
    }

    private RunDefinition Read(string text) => RunDefinitionReader.Read(ConfigLoader.Load(Write(text)), TinyExperiment.Catalog);

    private ConfigException ReadFails(string text) => Assert.Throws<ConfigException>(() => Read(text));

    private string Write(string text)
    {
        var path = folder.Combine("config.json");
        File.WriteAllText(path, text);
        return path;
    }
}
