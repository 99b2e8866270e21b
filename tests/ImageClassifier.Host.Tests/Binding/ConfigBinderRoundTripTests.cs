using Binding.TestComponents.Backbones;
using Binding.TestComponents.Heads;
using Binding.TestComponents.Losses;
using Binding.TestComponents.Networks;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Tests.Configuration;

namespace ImageClassifier.Hosting.Tests.Binding;

/// <summary>A bound config written back as JSON binds again to an equal config, and a config written in C# does too.</summary>
public sealed class ConfigBinderRoundTripTests : IDisposable
{
    private readonly TempConfigFolder folder = new();
    private readonly ConfigBinder binder = BindingTestCatalog.Binder();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_bound_model_serialises_with_type_first_and_binds_back_equal()
    {
        var path = folder.Write("a.json", """
            {
              "model": {
                "backbone": {"depth": 4, "type": "toy_net", "out_indices": [1, 3], "drop_rate": 0.25, "frozen_stages": 1},
                "type": "ToyClassifier",
                "neck": {"type": "ToyPooling", "flatten": false},
                "head": {"type": "ToyHead", "num_classes": 10, "in_channels": 64, "topk": [1, 5], "reduction_override": "none",
                         "loss": {"type": "ToyCrossEntropy", "loss_weight": 0.5, "class_weight": [1, 2.5], "smoothing": "uniform"}}
              }
            }
            """);
        var first = binder.BindModel(ConfigLoader.Load(path));

        var json = binder.Serialize(first);
        var again = binder.BindModel(ConfigLoader.Load(folder.Write("b.json", $$"""{"model": {{json}}}""")));

        Assert.StartsWith("{\n  \"type\": \"ToyClassifier\",\n  \"backbone\": {\n    \"type\": \"ToyNet\",\n", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"type\": \"ToyLoss\"", json, StringComparison.Ordinal);
        Assert.Equal(first, again);
        Assert.Equal(first.GetHashCode(), again.GetHashCode());
        Assert.NotSame(first, again);
    }

    [Fact]
    public void Members_are_written_in_declaration_order_inherited_first()
    {
        var config = new ToyNetCifarConfig { Style = "caffe" };

        var keys = binder.ToJsonNode(config).Select(member => member.Key);

        Assert.Equal(["type", "depth", "in_channels", "base_channels", "out_indices", "style", "deep_stem", "drop_rate", "frozen_stages"], keys);
    }

    [Fact]
    public void A_config_written_in_csharp_serialises_and_binds_back_equal()
    {
        var config = new ToyClassifierConfig
        {
            Backbone = new ToyNetCifarConfig { Style = "caffe", OutIndices = [0, 1] },
            Head = new ToyHeadConfig
            {
                NumClasses = 100,
                InChannels = 16,
                ReductionOverride = Reduction.Sum,
                Loss = new ToyLossConfig { Reduction = Reduction.None, Smoothing = SmoothingMode.LabelRelaxation, ClassWeight = [0.5, 2] },
            },
        };

        var again = binder.BindComponentJson(binder.Serialize(config, indented: false), typeof(Network));

        Assert.Equal(config, again);
        var head = (ToyHeadConfig)((ToyClassifierConfig)again).Head;
        Assert.Equal(Reduction.Sum, head.ReductionOverride);
        Assert.Equal([0.5, 2.0], ((ToyLossConfig)head.Loss!).ClassWeight!);
    }

    [Fact]
    public void A_changed_member_makes_the_configs_differ()
    {
        var config = new ToyNetConfig { Depth = 2 };
        var again = (ToyNetConfig)binder.BindComponentJson(binder.Serialize(config), typeof(Backbone));

        again.OutIndices = [1];

        Assert.NotEqual<ComponentConfig>(config, again);
    }

    [Fact]
    public void A_run_config_writes_back_with_its_sections_and_binds_again()
    {
        var path = folder.Write("run.json", """
            {
              "work_dir": "out",
              "model": {"type": "ToyClassifier", "backbone": {"type": "ToyNet", "depth": 1}, "head": {"type": "ToyHead", "num_classes": 2, "in_channels": 8}},
              "train_cfg": {"by_epoch": true, "max_epochs": 3, "val_interval": 1.0},
              "load_from": null
            }
            """);
        var first = binder.Bind(ConfigLoader.Load(path));

        var json = binder.ToJsonNode(first);
        var again = binder.Bind(ConfigLoader.Load(folder.Write("again.json", json.ToJsonString())));

        Assert.Equal(["model", "train_cfg", "load_from", "work_dir"], json.Select(member => member.Key));
        Assert.Equal("1.0", json["train_cfg"]!["val_interval"]!.ToJsonString());
        Assert.Equal(first.Model, again.Model);
        Assert.Equal(first.Sections.Keys, again.Sections.Keys);
        Assert.Equal(first.Section("train_cfg")!.ToJsonString(), again.Section("train_cfg")!.ToJsonString());
    }

    [Fact]
    public void A_run_config_made_in_csharp_refuses_unknown_sections()
    {
        var error = Assert.Throws<ArgumentException>(() => new RunConfig(new ToyNetConfig { Depth = 1 }, new Dictionary<string, ConfigNode> { ["modle"] = new ConfigNull(default) }));

        Assert.StartsWith("'modle' is not a raw run config section.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Setters_check_constraints_in_csharp_too()
    {
        var config = new ToyNetConfig { Depth = 2 };
        var depth = 3;

        var error = Assert.Throws<ConfigValueException>(() => config.Depth = depth);

        Assert.Equal("depth must be one of 1, 2, 4, but got 3.", error.Message);
        Assert.Equal(2, config.Depth);
    }

    [Fact]
    public void A_config_class_the_catalog_does_not_know_cannot_be_serialised()
    {
        var empty = new ConfigBinder(new ImageClassifier.Hosting.Catalog.ComponentCatalog());

        var error = Assert.Throws<ArgumentException>(() => empty.Serialize(new ToyNetConfig { Depth = 1 }));

        Assert.Contains("Binding.TestComponents.Backbones.ToyNetConfig is not the config class of a component this binder knows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_serializer_options_refuse_what_a_config_file_may_not_hold()
    {
        var options = binder.SerializerOptions;

        Assert.True(options.IsReadOnly);
        Assert.True(options.AllowOutOfOrderMetadataProperties);
        Assert.False(options.AllowDuplicateProperties);
        Assert.True(options.RespectNullableAnnotations);
        Assert.Equal(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow, options.UnmappedMemberHandling);
        Assert.Equal(System.Text.Json.Serialization.JsonNumberHandling.Strict, options.NumberHandling);
        var polymorphism = options.GetTypeInfo(typeof(ComponentConfig<Backbone>)).PolymorphismOptions!;
        Assert.Equal("type", polymorphism.TypeDiscriminatorPropertyName);
        Assert.False(polymorphism.IgnoreUnrecognizedTypeDiscriminators);
        Assert.Equal(["ToyNet", "ToyNet_CIFAR"], polymorphism.DerivedTypes.Select(derived => (string)derived.TypeDiscriminator!).Order());
        var variants = options.GetTypeInfo(typeof(ToyNetConfig)).PolymorphismOptions!;
        Assert.Equal([typeof(ToyNetConfig), typeof(ToyNetCifarConfig)], variants.DerivedTypes.Select(derived => derived.DerivedType));
    }

    [Fact]
    public void Plain_serializer_use_still_refuses_unknown_members_and_discriminators()
    {
        var options = binder.SerializerOptions;

        Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<ComponentConfig<Loss>>("""{"type": "ToyLoss", "gamma": 1}""", options));
        Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<ComponentConfig<Loss>>("""{"type": "NoLoss"}""", options));
        Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<ComponentConfig<Loss>>("""{"type": "ToyLoss", "loss_weight": "1"}""", options));
        Assert.IsType<ToyLossConfig>(System.Text.Json.JsonSerializer.Deserialize<ComponentConfig<Loss>>("""{"loss_weight": 2, "type": "ToyLoss"}""", options));
    }
}
