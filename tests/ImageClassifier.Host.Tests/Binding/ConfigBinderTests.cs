using Binding.TestComponents.Backbones;
using Binding.TestComponents.Heads;
using Binding.TestComponents.Losses;
using Binding.TestComponents.Necks;
using Binding.TestComponents.Networks;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Tests.Configuration;

namespace ImageClassifier.Hosting.Tests.Binding;

public sealed class ConfigBinderTests : IDisposable
{
    private const string DefaultBackbone = """{"type": "ToyNet", "depth": 2, "out_indices": [0, 1]}""";
    private const string DefaultHead = """{"type": "ToyHead", "num_classes": 10, "in_channels": 16}""";

    private readonly TempConfigFolder folder = new();
    private readonly ConfigBinder binder = BindingTestCatalog.Binder();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Binds_the_model_with_nested_components_defaults_and_aliases()
    {
        var path = folder.Write("model.json", """
            {
              "model": {
                "type": "ToyClassifier",
                "backbone": {"type": "toy_net", "depth": 2, "out_indices": [0, 1]},
                "neck": {"type": "ToyPooling"},
                "head": {
                  "type": "ToyHead", "num_classes": 10, "in_channels": 16, "topk": [1, 5],
                  "loss": {"type": "ToyCrossEntropy", "reduction": "sum", "smoothing": "label_relaxation"},
                },
              },
              "work_dir": "work_dirs/toy",
            }
            """);

        var config = binder.Bind(ConfigLoader.Load(path));

        var model = Assert.IsType<ToyClassifierConfig>(config.Model);
        var backbone = Assert.IsType<ToyNetConfig>(model.Backbone);
        Assert.Equal(2, backbone.Depth);
        Assert.Equal([0, 1], backbone.OutIndices!);
        Assert.Equal(3, backbone.InChannels);
        Assert.Equal("pytorch", backbone.Style);
        Assert.Null(backbone.FrozenStages);
        Assert.IsType<ToyPoolingConfig>(model.Neck);
        var head = Assert.IsType<ToyHeadConfig>(model.Head);
        Assert.Equal([1, 5], head.Topk!);
        Assert.Null(head.ReductionOverride);
        var loss = Assert.IsType<ToyLossConfig>(head.Loss);
        Assert.Equal(Reduction.Sum, loss.Reduction);
        Assert.Equal(SmoothingMode.LabelRelaxation, loss.Smoothing);
        Assert.Equal(1.0, loss.LossWeight);
        Assert.Equal("work_dirs/toy", Assert.IsType<ConfigString>(config.Section("work_dir")).Value);
    }

    [Fact]
    public void A_variant_binds_through_its_kind_with_its_own_defaults_and_type_after_the_members()
    {
        var path = folder.Write("cifar.json", """
            {"model": {"type": "ToyClassifier", "head": {"num_classes": 10, "in_channels": 8, "type": "ToyHead"},
                       "backbone": {"style": "caffe", "type": "ToyNet_CIFAR"}}}
            """);

        var model = Assert.IsType<ToyClassifierConfig>(binder.Bind(ConfigLoader.Load(path)).Model);

        var backbone = Assert.IsType<ToyNetCifarConfig>(model.Backbone);
        Assert.Equal(2, backbone.Depth);
        Assert.Equal("caffe", backbone.Style);
        Assert.Null(model.Neck);
    }

    [Fact]
    public void Nulls_bind_where_the_member_is_nullable()
    {
        var path = folder.Write("nulls.json", """
            {"model": {"type": "ToyClassifier", "neck": null,
                       "backbone": {"type": "ToyNet", "depth": 1, "frozen_stages": null, "out_indices": null},
                       "head": {"type": "ToyHead", "num_classes": 3, "in_channels": 8, "loss": null, "reduction_override": null}}}
            """);

        var model = Assert.IsType<ToyClassifierConfig>(binder.Bind(ConfigLoader.Load(path)).Model);

        Assert.Null(model.Neck);
        Assert.Null(((ToyNetConfig)model.Backbone).OutIndices);
        Assert.Null(((ToyHeadConfig)model.Head).Loss);
    }

    [Fact]
    public void A_single_value_where_a_list_goes_binds_as_a_list_of_one()
    {
        // mmengine's configs write "out_indices": 3 and "topk": 1 for lists of one.
        var path = folder.Write("single.json", """
            {"model": {"type": "ToyClassifier",
                       "backbone": {"type": "ToyNet", "depth": 4, "out_indices": 3},
                       "head": {"type": "ToyHead", "num_classes": 3, "in_channels": 8}}}
            """);

        var model = Assert.IsType<ToyClassifierConfig>(binder.Bind(ConfigLoader.Load(path)).Model);

        Assert.Equal([3], ((ToyNetConfig)model.Backbone).OutIndices!);
    }

    [Fact]
    public void A_single_value_where_a_list_goes_keeps_the_item_constraints()
    {
        AssertBindError(Model("""{"type": "ToyNet", "depth": 2, "out_indices": §5}"""), "$.model.backbone.out_indices", "out_indices[0] must be between 0 and 3, but got 5.");
    }

    [Fact]
    public void One_component_binds_by_kind_from_any_path()
    {
        var path = folder.Write("parts.json", """{"model": {"type": "ToyClassifier", "backbone": {"type": "ToyNet", "depth": 4}, "head": {"type": "ToyHead", "num_classes": 2, "in_channels": 64}}}""");
        var document = ConfigLoader.Load(path);

        var backbone = binder.BindComponent<Backbone>(document, "$.model.backbone");
        var head = binder.BindComponent(document, "model.head", typeof(Head));

        Assert.Equal(4, Assert.IsType<ToyNetConfig>(backbone).Depth);
        Assert.Equal(64, Assert.IsType<ToyHeadConfig>(head).InChannels);
    }

    [Fact]
    public void A_list_of_components_or_a_single_one_binds_item_by_item()
    {
        var marked = MarkedText.Parse("""
            {
              "val_evaluator": [{"type": "ToyLoss"}, {"type": "ToyCrossEntropy", "loss_weight": 2}],
              "test_evaluator": {"type": "ToyLoss", "reduction": "sum"},
              "param_scheduler": [{"type": "ToyLoss"}, {"type": §"ToyLos"}],
              "work_dir": "out"
            }
            """);
        var path = folder.Write("lists.json", marked.Text);
        var document = ConfigLoader.Load(path);

        var list = binder.BindComponentList<Loss>(document, "$.val_evaluator");
        var single = binder.BindComponentList(document, "$.test_evaluator", typeof(Loss));
        var error = Assert.IsType<ConfigException>(Record.Exception(() => binder.BindComponentList<Loss>(document, "$.param_scheduler")));
        var notAList = Assert.IsType<ConfigException>(Record.Exception(() => binder.BindComponentList<Loss>(document, "$.work_dir")));

        Assert.Equal([1.0, 2.0], list.Cast<ToyLossConfig>().Select(loss => loss.LossWeight));
        Assert.Equal(Reduction.Sum, Assert.IsType<ToyLossConfig>(Assert.Single(single)).Reduction);
        AssertError(error, path, marked, "$.param_scheduler[1].type", "no loss named 'ToyLos'; did you mean 'ToyLoss'?");
        Assert.Equal("$.work_dir: expected a loss config or a list of them, but found the string \"out\"", notAList.Message[(notAList.Location.ToString().Length + 2)..]);
    }

    [Fact]
    public void Without_the_model_kind_in_the_catalog_the_model_is_found_by_its_type_in_every_kind()
    {
        var anyKind = new ConfigBinder(BindingTestCatalog.Create());
        var path = folder.Write("any.json", """{"model": {"type": "ToyNet", "depth": 1}}""");

        var model = anyKind.Bind(ConfigLoader.Load(path)).Model;

        Assert.Equal("classifier", anyKind.ModelKind);
        Assert.Equal(1, Assert.IsType<ToyNetConfig>(model).Depth);
    }

    [Fact]
    public void Json_text_binds_with_comments_and_errors_located_in_the_named_source()
    {
        var config = binder.BindComponentJson("""
            // a loss
            {"type": "ToyLoss", "loss_weight": 0.5, /* half */ }
            """, typeof(Loss));

        Assert.Equal(0.5, Assert.IsType<ToyLossConfig>(config).LossWeight);

        var error = Assert.IsType<ConfigException>(Record.Exception(() => binder.BindComponentJson("""{"type": "ToyLos"}""", typeof(Loss), "inline")));
        Assert.Equal("inline:1:10: $.type: no loss named 'ToyLos'; did you mean 'ToyLoss'?", error.Message);
    }

    public static TheoryData<string, string, string, string> WrongJson { get; } = new()
    {
        // backbone, head, JSON path, detail
        { """{"type": "ToyNet", "depth": §"2"}""", DefaultHead, "$.model.backbone.depth", "expected an integer, but found the string \"2\"" },
        { """{"type": "ToyNet", "depth": §2.0}""", DefaultHead, "$.model.backbone.depth", "expected an integer, but found the number 2.0" },
        { """{"type": "ToyNet", "depth": 2, "out_indices": §"1"}""", DefaultHead, "$.model.backbone.out_indices", "expected an integer, a list of integers or null, but found the string \"1\"" },
        { """{"type": "ToyNet", "depth": 2, "deep_stem": §"false"}""", DefaultHead, "$.model.backbone.deep_stem", "expected true or false, but found the string \"false\"" },
        { """{"type": "ToyNet", "depth": 2, "style": §null}""", DefaultHead, "$.model.backbone.style", "expected a string, but found null" },
        { """{"type": "ToyNet", "depth": 2, "frozen_stages": §[1]}""", DefaultHead, "$.model.backbone.frozen_stages", "expected an integer or null, but found a list" },
        { """{"type": "ToyNet", "depth": 2, "drop_rate": §"0.1"}""", DefaultHead, "$.model.backbone.drop_rate", "expected a number, but found the string \"0.1\"" },
        { "§5", DefaultHead, "$.model.backbone", "expected a backbone config (an object with \"type\"), but found the number 5" },
        { "§null", DefaultHead, "$.model.backbone", "expected a backbone config (an object with \"type\"), but found null" },
        { DefaultBackbone, """{"type": "ToyHead", "num_classes": 10, "in_channels": 16, "topk": [1, §"5"]}""", "$.model.head.topk[1]", "expected an integer, but found the string \"5\"" },
        { DefaultBackbone, """{"type": "ToyHead", "num_classes": §3000000000, "in_channels": 16}""", "$.model.head.num_classes", "expected an integer from -2147483648 to 2147483647, but found the number 3000000000" },
        { DefaultBackbone, """{"type": "ToyHead", "num_classes": 10, "in_channels": 16, "reduction_override": §"average"}""", "$.model.head.reduction_override", "expected one of \"none\", \"mean\", \"sum\" or null, but found the string \"average\"" },
        { DefaultBackbone, """{"type": "ToyHead", "num_classes": 10, "in_channels": 16, "reduction_override": §1}""", "$.model.head.reduction_override", "expected one of \"none\", \"mean\", \"sum\" or null, but found the number 1" },
        { DefaultBackbone, """{"type": "ToyHead", "num_classes": 10, "in_channels": 16, "loss": {"type": "ToyLoss", "smoothing": §"label-relaxation"}}""", "$.model.head.loss.smoothing", "expected one of \"none\", \"uniform\", \"label_relaxation\", but found the string \"label-relaxation\"; did you mean \"label_relaxation\"?" },
        { DefaultBackbone, """{"type": "ToyHead", "num_classes": 10, "in_channels": 16, "loss": §"ToyLoss"}""", "$.model.head.loss", "expected a loss config (an object with \"type\") or null, but found the string \"ToyLoss\"" },
        { DefaultBackbone, """{"type": "ToyHead", "num_classes": 10, "in_channels": 16, "loss": {"type": "ToyLoss", "class_weight": [1, §true]}}""", "$.model.head.loss.class_weight[1]", "expected a number, but found true" },
    };

    [Theory]
    [MemberData(nameof(WrongJson))]
    public void A_value_of_the_wrong_json_kind_is_an_error_at_the_value(string backbone, string head, string jsonPath, string detail)
    {
        AssertBindError(Model(backbone, head), jsonPath, detail);
    }

    [Fact]
    public void An_unknown_type_is_an_error_at_the_type_value_with_the_close_names()
    {
        AssertBindError(Model("""{"type": §"ToyNet_CIFR", "depth": 2}"""), "$.model.backbone.type", "no backbone named 'ToyNet_CIFR'; did you mean 'ToyNet_CIFAR'?");
    }

    [Fact]
    public void A_type_of_another_kind_says_which_kind_it_is()
    {
        AssertBindError(Model("""{"type": §"ToyPooling"}"""), "$.model.backbone.type", "no backbone named 'ToyPooling'; 'ToyPooling' is a neck, not a backbone");
    }

    [Fact]
    public void An_unknown_type_with_nothing_close_points_at_the_listing()
    {
        AssertBindError(Model("""{"type": §"Xception"}"""), "$.model.backbone.type", "no backbone named 'Xception'; run 'icls list-models --kind backbone' to see the registered ones");
    }

    [Fact]
    public void A_missing_type_is_an_error_at_the_object_naming_the_choices()
    {
        AssertBindError(Model("""§{"depth": 2}"""), "$.model.backbone", "missing \"type\": a backbone config names its component with \"type\", one of 'ToyNet' or 'ToyNet_CIFAR'");
    }

    [Fact]
    public void A_type_that_is_not_a_string_is_an_error_at_the_type_value()
    {
        AssertBindError(Model("""{"type": §["ToyNet"]}"""), "$.model.backbone.type", "expected the name of a registered backbone (a string), but found a list");
    }

    [Fact]
    public void An_unknown_member_is_an_error_at_its_name_with_the_close_members()
    {
        AssertBindError(Model("""{"type": "ToyNet", "depth": 2, §"out_indice": [0]}"""), "$.model.backbone.out_indice", "ToyNet (a backbone) has no member 'out_indice'; did you mean 'out_indices'?");
    }

    [Fact]
    public void An_unknown_member_with_nothing_close_lists_the_members()
    {
        AssertBindError(
            Model(DefaultBackbone, """{"type": "ToyHead", "num_classes": 10, "in_channels": 16, "loss": {"type": "ToyLoss", §"gamma": 2}}"""),
            "$.model.head.loss.gamma",
            "ToyLoss (a loss) has no member 'gamma'; its members are 'reduction', 'loss_weight', 'smoothing' and 'class_weight'");
    }

    [Fact]
    public void A_missing_required_member_is_an_error_at_the_object_with_what_it_must_be()
    {
        AssertBindError(Model("""§{"type": "ToyNet", "style": "caffe"}"""), "$.model.backbone", "ToyNet (a backbone) is missing the required member 'depth' (an integer, one of 1, 2, 4)");
    }

    [Fact]
    public void Missing_required_components_are_listed_together()
    {
        var marked = MarkedText.Parse("""{"model": §{"type": "ToyClassifier"}}""");
        var path = folder.Write("a.json", marked.Text);

        var error = BindError(path);

        AssertError(error, path, marked, "$.model", "ToyClassifier (a network) is missing the required members 'backbone' (a backbone config) and 'head' (a head config)");
    }

    [Theory]
    [InlineData("""{"type": "ToyNet", "depth": §3}""", "$.model.backbone.depth", "depth must be one of 1, 2, 4, but got 3.")]
    [InlineData("""{"type": "ToyNet", "depth": 2, "out_indices": [0, §5]}""", "$.model.backbone.out_indices[1]", "out_indices[1] must be between 0 and 3, but got 5.")]
    [InlineData("""{"type": "ToyNet", "depth": 2, "drop_rate": §1.0}""", "$.model.backbone.drop_rate", "drop_rate must be >= 0 and < 1, but got 1.")]
    [InlineData("""{"type": "ToyNet", "depth": 2, "base_channels": §0}""", "$.model.backbone.base_channels", "base_channels must be between 1 and 64, but got 0.")]
    [InlineData("""{"type": "ToyNet", "depth": 2, "style": §"tensorflow"}""", "$.model.backbone.style", "style must be one of \"pytorch\", \"caffe\", but got \"tensorflow\".")]
    public void A_constraint_violation_is_the_setters_message_at_the_value(string backbone, string jsonPath, string detail)
    {
        AssertBindError(Model(backbone), jsonPath, detail);
    }

    [Fact]
    public void A_constraint_violation_in_a_nested_list_item_points_at_the_item()
    {
        AssertBindError(
            Model(DefaultBackbone, """{"type": "ToyHead", "num_classes": 10, "in_channels": 16, "loss": {"type": "ToyLoss", "class_weight": [1, 2, §-0.5]}}"""),
            "$.model.head.loss.class_weight[2]",
            "class_weight[2] must be >= 0, but got -0.5.");
    }

    [Fact]
    public void A_components_refusal_at_build_time_points_at_the_member_it_names()
    {
        AssertBindError(
            Model("""{"type": "ToyNet_CIFAR", "deep_stem": §true}"""),
            "$.model.backbone.deep_stem",
            "ToyNet_CIFAR (a backbone) rejected its config: deep_stem must be false for ToyNet_CIFAR, whose stem is a single 3x3 conv, but got true.");
    }

    [Fact]
    public void A_constructor_argument_exception_is_mapped_from_the_parameter_to_its_member()
    {
        AssertBindError(
            Model("""{"type": "ToyNet_CIFAR", "out_indices": §[0, 3]}"""),
            "$.model.backbone.out_indices",
            "ToyNet_CIFAR (a backbone) rejected its config: out_indices holds stage 3, but a ToyNet of depth 2 has stages 0 to 1.");
    }

    [Fact]
    public void A_refusal_that_names_no_member_points_at_the_components_object()
    {
        AssertBindError(
            Model("""§{"type": "ToyNet", "depth": 2, "style": "caffe", "deep_stem": true}"""),
            "$.model.backbone",
            "ToyNet (a backbone) rejected its config: the caffe style has no deep stem.");
    }

    [Fact]
    public void A_value_set_in_a_base_file_is_reported_there_with_the_chain()
    {
        var basePath = folder.Write("base.json", """
            {
              "model": {
                "type": "ToyClassifier",
                "backbone": {"type": "ToyNet", "depth": 4, "out_indices": [0, 9]},
                "head": {"type": "ToyHead", "num_classes": 10, "in_channels": 16}
              }
            }
            """);
        var path = folder.Write("child.json", """{"_base_": "base.json", "model": {"head": {"num_classes": 100}}}""");

        var error = BindError(path);

        Assert.Equal(new SourceLocation(basePath, 4, 67), error.Location);
        Assert.Equal("$.model.backbone.out_indices[1]", error.JsonPath);
        Assert.Equal($"out_indices[1] must be between 0 and 3, but got 9. (inherited via {path} -> {basePath})", error.Detail);
    }

    [Fact]
    public void An_unknown_member_in_a_base_file_is_reported_at_its_name_there()
    {
        var basePath = folder.Write("base.json", """
            {
              "model": {
                "type": "ToyClassifier",
                "backbone": {"type": "ToyNet", "dept": 4},
                "head": {"type": "ToyHead", "num_classes": 10, "in_channels": 16}
              }
            }
            """);
        var path = folder.Write("child.json", """{"_base_": "base.json", "work_dir": "out"}""");

        var error = BindError(path);

        Assert.Equal(new SourceLocation(basePath, 4, 36), error.Location);
        Assert.Equal($"ToyNet (a backbone) has no member 'dept'; did you mean 'depth'? (inherited via {path} -> {basePath})", error.Detail);
    }

    [Fact]
    public void A_value_from_cfg_options_is_reported_in_its_argument()
    {
        var path = folder.Write("a.json", Model(DefaultBackbone).Replace("§", string.Empty, StringComparison.Ordinal));

        var error = BindError(path, ["work_dir=out", "model.backbone.depth=3"]);

        Assert.Equal(SourceLocation.CommandLine(2, 22), error.Location);
        Assert.Equal("--cfg-options argument 2, column 22: $.model.backbone.depth: depth must be one of 1, 2, 4, but got 3.", error.Message);
    }

    [Fact]
    public void An_unknown_top_level_key_is_an_error_at_its_name_with_the_close_keys()
    {
        var marked = MarkedText.Parse("""
            {
              "model": {"type": "ToyClassifier", "backbone": {"type": "ToyNet", "depth": 1}, "head": {"type": "ToyHead", "num_classes": 2, "in_channels": 8}},
              §"optim_wraper": {"optimizer": {"type": "SGD", "lr": 0.1}}
            }
            """);
        var path = folder.Write("a.json", marked.Text);

        AssertError(BindError(path), path, marked, "$.optim_wraper", "unknown top-level key 'optim_wraper'; did you mean 'optim_wrapper'?");
    }

    [Fact]
    public void A_top_level_section_of_the_wrong_json_kind_is_an_error_at_its_value()
    {
        var marked = MarkedText.Parse("""{"work_dir": §["out"], "resume": false}""");
        var path = folder.Write("a.json", marked.Text);

        AssertError(BindError(path), path, marked, "$.work_dir", "expected a string, but found a list");
    }

    [Fact]
    public void A_model_that_is_not_an_object_says_which_config_it_must_be()
    {
        var marked = MarkedText.Parse("""{"model": §"ToyClassifier"}""");
        var path = folder.Write("a.json", marked.Text);

        AssertError(BindError(path), path, marked, "$.model", "expected a network config (an object with \"type\"), but found the string \"ToyClassifier\"");
    }

    [Fact]
    public void A_config_without_a_model_binds_its_sections_and_keeps_their_locations()
    {
        var path = folder.Write("schedule.json", """
            {
              "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.1}},
              "param_scheduler": [{"type": "MultiStepLR", "milestones": [30, 60]}],
              "train_cfg": {"by_epoch": true, "max_epochs": 90},
              "load_from": null,
              "resume": false
            }
            """);

        var config = binder.Bind(ConfigLoader.Load(path));

        Assert.Null(config.Model);
        Assert.Equal(["load_from", "optim_wrapper", "param_scheduler", "resume", "train_cfg"], config.Sections.Keys);
        Assert.Equal(new SourceLocation(path, 3, 22), config.Section("param_scheduler")!.Location);
        Assert.IsType<ConfigNull>(config.Section("load_from"));
        Assert.False(Assert.IsType<ConfigBoolean>(config.Section("resume")).Value);
        Assert.Null(config.Section("test_dataloader"));
    }

    [Fact]
    public void Binding_a_missing_section_is_an_error_at_its_parent()
    {
        var path = folder.Write("a.json", """{"work_dir": "out"}""");

        var error = Assert.IsType<ConfigException>(Record.Exception(() => binder.BindModel(ConfigLoader.Load(path))));

        Assert.Equal(new SourceLocation(path, 1, 1), error.Location);
        Assert.Equal("$.model: missing: expected a network config here", error.Message[(error.Location.ToString().Length + 2)..]);
    }

    private static string Model(string backbone, string head = DefaultHead) => $$"""
        {
          "model": {
            "type": "ToyClassifier",
            "backbone": {{backbone}},
            "head": {{head}}
          }
        }
        """;

    private void AssertBindError(string markedConfig, string jsonPath, string detail)
    {
        var marked = MarkedText.Parse(markedConfig);
        var path = folder.Write("a.json", marked.Text);

        AssertError(BindError(path), path, marked, jsonPath, detail);
    }

    /// <summary>Loads, binds and builds as <c>icls validate</c> does; the one error it must raise.</summary>
    private ConfigException BindError(string path, string[]? cfgOptions = null) =>
        Assert.IsType<ConfigException>(Record.Exception(() =>
        {
            var document = ConfigLoader.Load(path, cfgOptions);
            var config = binder.Bind(document);
            if (config.Model is { } model)
            {
                (binder.BuildComponent(document, "$.model", model) as IDisposable)?.Dispose();
            }
        }));

    private static void AssertError(ConfigException error, string path, MarkedText marked, string jsonPath, string detail)
    {
        Assert.Equal(detail, error.Detail);
        Assert.Equal(jsonPath, error.JsonPath);
        Assert.Equal(new SourceLocation(path, marked.Line, marked.Column), error.Location);
        Assert.Equal($"{path}:{marked.Line}:{marked.Column}: {jsonPath}: {detail}", error.Message);
    }
}
