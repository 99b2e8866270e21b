using System.Collections.Immutable;
using System.Globalization;
using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;
using Microsoft.CodeAnalysis;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class JsonConfigAnalyzerTests
{
    private const string ConfigPath = "configs/resnet_cifar.json";

    // A plugin's components: a backbone with constraints (and a variant of it), a neck, a loss, a
    // head with a nested loss, and a classifier with backbone, neck and head members.
    private const string Components = """
        using System;
        using System.Collections.Generic;
        using ImageClassifier;
        using static TorchSharp.torch;

        namespace Plugin;

        public enum Padding { Zeros, ReflectPadding }

        [RegisterModel("ResNet_CIFAR", Aliases = ["CifarResNet"])]
        public partial class ResNetCifar : Backbone
        {
            public ResNetCifar(
                [OneOf(18, 34, 50)] int depth,
                int inChannels = 3,
                [DefaultItems(3)][ValueRange(0, 3)] int[]? outIndices = null,
                [OneOf("pytorch", "caffe")] string style = "pytorch",
                [ValueRange(0, 1)] double dropRate = 0,
                Padding padding = Padding.Zeros,
                bool frozen = false)
                : base("ResNet_CIFAR")
            {
            }

            public override IReadOnlyList<Tensor> forward(Tensor input) => [input];
        }

        [RegisterModel("ResNet_CIFAR_Wide")]
        public sealed class WideResNetCifar : ResNetCifar
        {
            public WideResNetCifar(ResNetCifarConfig config, [ValueRange(Minimum = 1)] int widen = 2)
                : base(config)
            {
            }
        }

        [RegisterModel]
        public sealed class AvgPool : Neck
        {
            public AvgPool([OneOf(1, 2, 3)] int dim = 2)
                : base("AvgPool")
            {
            }

            public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input) => input;
        }

        [RegisterModel]
        public sealed class LabelSmoothLoss : Loss
        {
            public LabelSmoothLoss([ValueRange(0, 1)] double labelSmoothVal = 0.1, Reduction reduction = Reduction.Mean, [ValueRange(Minimum = 0)] double lossWeight = 1)
                : base("LabelSmoothLoss")
            {
            }

            public override Tensor Forward(Tensor pred, Tensor target, Tensor? weight = null, double? avgFactor = null, Reduction? reductionOverride = null) => pred;
        }

        [RegisterModel]
        public sealed class LinearHead : Head
        {
            public LinearHead([ValueRange(Minimum = 1)] int numClasses, int inChannels = 512, Loss? loss = null, [DefaultItems(1)][ValueRange(Minimum = 1)] int[]? topk = null)
                : base("LinearHead")
            {
            }

            public override Tensor forward(IReadOnlyList<Tensor> input) => input[0];

            public override IReadOnlyDictionary<string, Tensor> Loss(IReadOnlyList<Tensor> feats, Tensor target) => new Dictionary<string, Tensor>();

            public override ClassificationPrediction Predict(IReadOnlyList<Tensor> feats) => throw new NotSupportedException();
        }

        [RegisterModel("ImageClassifier")]
        public sealed class TestClassifier : Classifier
        {
            public TestClassifier(Backbone backbone, Neck? neck = null, Head? head = null, string? pretrained = null)
                : base("ImageClassifier")
            {
            }

            public override Tensor forward(Tensor input) => input;

            public override IReadOnlyDictionary<string, Tensor> Loss(Tensor inputs, Tensor targets) => new Dictionary<string, Tensor>();

            public override ClassificationPrediction Predict(Tensor inputs) => throw new NotSupportedException();

            public override IReadOnlyList<Tensor> ExtractFeat(Tensor inputs, FeatureStage stage = FeatureStage.Neck) => [inputs];

            public override void ResetClassifier(int numClasses)
            {
            }
        }

        [ComponentKind("hook")]
        public abstract class Hook
        {
        }

        [RegisterModel]
        public sealed class MarkerHook : Hook
        {
            public MarkerHook([ValueRange(Minimum = 1)] int interval = 1)
            {
            }
        }
        """;

    // The components with their generated configs, as a build analyzes them.
    private static readonly Lazy<Compilation> Generated = new(() =>
    {
        var output = GeneratorHarness.Run(CompilationFactory.Create(Components, "Plugin")).Output;
        GeneratorHarness.AssertNoDiagnostics(output);
        return output;
    });

    private static readonly string Depths = new OneOfAttribute(18, 34, 50).Expectation;
    private static readonly string Styles = new OneOfAttribute("pytorch", "caffe").Expectation;
    private static readonly string ZeroToThree = new ValueRangeAttribute(0, 3).Expectation;
    private static readonly string ZeroToOne = new ValueRangeAttribute(0, 1).Expectation;
    private static readonly string AtLeastOne = new ValueRangeAttribute { Minimum = 1 }.Expectation;

    [Fact]
    public void A_clean_config_gives_nothing()
    {
        const string json = """
            // A complete config: comments, trailing commas, _base_ and _delete_ are fine.
            {
              "_base_": ["../_base_/default_runtime.json", "../_base_/schedule.json"],
              "model": {
                "type": "ImageClassifier",
                "backbone": {
                  "type": "ResNet_CIFAR",
                  "depth": 18,
                  "in_channels": 3,
                  "out_indices": [0, 3],
                  "style": "caffe",
                  "drop_rate": 0.5,
                  "padding": "reflect_padding",
                  "frozen": false,
                },
                "neck": {"type": "AvgPool", "dim": 2},
                "head": {
                  "type": "LinearHead",
                  "num_classes": 10,
                  "topk": [1, 5],
                  "loss": {"type": "LabelSmoothLoss", "label_smooth_val": 0.1, "reduction": "sum", "loss_weight": 1e0, "_delete_": true},
                },
                "pretrained": null,
              },
              /* Sections of other registries hold no components. */
              "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.1, "momentum": 0.9}},
              "train_pipeline": [{"type": "RandomCrop", "crop_size": 32, "padding": 4}],
              "train_dataloader": {"batch_size": 16, "dataset": {"type": "CIFAR10", "data_root": "data/cifar10"}},
            }
            """;

        Assert.Empty(Analyze(json));
    }

    [Fact]
    public void A_single_value_where_a_list_goes_is_a_list_of_one_with_the_item_rules()
    {
        // mmengine's "topk": 1 and "augments": {...}: fine when the value fits an item, checked as one.
        const string json = """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "ResNet_CIFAR", "depth": 18, "out_indices": 4},
                "head": {"type": "LinearHead", "num_classes": 10, "topk": 5},
              }
            }
            """;

        var diagnostic = Assert.Single(Analyze(json));

        AssertOutside(diagnostic, 4, 70, "out_indices[0]", ZeroToThree, "4");
    }

    [Fact]
    public void Any_hook_entry_may_carry_mmengines_priority_and_no_other_component_may()
    {
        const string json = """
            {
              "custom_hooks": [{"type": "MarkerHook", "interval": 2, "priority": "HIGH"}],
              "model": {"type": "ImageClassifier", "backbone": {"type": "ResNet_CIFAR", "depth": 18, "priority": 1}}
            }
            """;

        var diagnostic = Assert.Single(Analyze(json));

        var position = diagnostic.Location.GetLineSpan().StartLinePosition;
        Assert.Equal(("ICG019", 3, 90), (diagnostic.Id, position.Line + 1, position.Character + 1));
        Assert.StartsWith("$.model.backbone.priority: ResNet_CIFAR (a backbone) has no member 'priority'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_child_config_that_overrides_a_few_members_gives_nothing()
    {
        // Without "type" an object may take it from its base files: nothing to judge it by.
        const string json = """
            {
              "_base_": "./resnet18_cifar.json",
              "model": {"backbone": {"depth": 1000, "whatever": "x"}, "head": {"num_classes": 100}},
            }
            """;

        Assert.Empty(Analyze(json));
    }

    [Theory]
    [InlineData("{\"a\": 1 \"b\": 2}", 1, 9, "$: expected ',' or '}' after a member, but found '\"'")]
    [InlineData("{'a': 1}", 1, 2, "$: member names must be in double quotes, not single quotes")]
    [InlineData("{a: 1}", 1, 2, "$: member names must be in double quotes: write \"a\"")]
    [InlineData("{\"a\": 'x'}", 1, 7, "$.a: strings must be in double quotes, not single quotes")]
    [InlineData("{\"a\": 1, \"a\": 2}", 1, 10, "$: duplicate key \"a\" (first defined at configs/resnet_cifar.json:1:2)")]
    [InlineData("{\"a\": True}", 1, 7, "$.a: unexpected 'True': JSON spells it true")]
    [InlineData("{\"a\": None}", 1, 7, "$.a: unexpected 'None': JSON spells it null")]
    [InlineData("{\"a\": NaN}", 1, 7, "$.a: 'NaN' is not a JSON number")]
    [InlineData("{\"a\": 01}", 1, 7, "$.a: invalid number '01': leading zeros are not allowed")]
    [InlineData("{\"a\": +1}", 1, 7, "$.a: invalid number '+1': a number cannot start with '+'")]
    [InlineData("{\"a\": .5}", 1, 7, "$.a: invalid number '.5': a digit is required before '.' (write 0.5, not .5)")]
    [InlineData("{\"a\": 1.}", 1, 7, "$.a: invalid number '1.': a digit is required after '.'")]
    [InlineData("{\"a\": 0x1F}", 1, 7, "$.a: invalid number '0x1F': hexadecimal numbers are not allowed in JSON")]
    [InlineData("{\"a\": 1e999}", 1, 7, "$.a: the number '1e999' is out of range: config numbers must lie within a double's range (about ±1.8e308)")]
    [InlineData("{\"a\": \"x", 1, 7, "$.a: unterminated string: the closing '\"' is missing before the end of the file")]
    [InlineData("{\"a\": \"x\n\"}", 1, 7, "$.a: unterminated string: the closing '\"' is missing before the end of the line")]
    [InlineData("{\"a\": \"\\uD800\"}", 1, 8, "$.a: unpaired surrogate '\\uD800': a high surrogate must be followed by a \\uDC00-\\uDFFF escape")]
    [InlineData("{\"a\": 1 /* note", 1, 9, "$: unterminated comment: '/*' is not closed with '*/' before the end of the file")]
    [InlineData("{\"a\": 1 / 2}", 1, 9, "$: expected '//' or '/*' to start a comment after '/'")]
    [InlineData("{\"a\": 1}}", 1, 9, "$: expected the end of the file after the top-level value, but found '}'")]
    [InlineData("{\"a\": }", 1, 7, "$.a: expected a value after ':', but found '}'")]
    [InlineData("{\"a\" 1}", 1, 6, "$: expected ':' after the member name \"a\", but found '1'")]
    [InlineData("[1, 2,,]", 1, 7, "$[2]: expected a value or ']' after ',', but found ','")]
    [InlineData("// nothing", 1, 11, "$: expected a JSON value, but the file is empty or holds only comments")]
    [InlineData("", 1, 1, "$: expected a JSON value, but the file is empty or holds only comments")]
    [InlineData("{\n  \"a\": [1, 2,\n", 3, 1, "$.a: expected a value or ']', but found the end of the file (the '[' at 2:8 is not closed)")]
    [InlineData("{\r\n  \"a\": {\r\n    \"b\": 1\r\n", 4, 1, "$.a: expected ',' or '}' after a member, but found the end of the file (the '{' at 2:8 is not closed)")]
    public void A_syntax_error_is_reported_where_it_is(string json, int line, int column, string detail)
    {
        var diagnostic = Assert.Single(Analyze(json));

        AssertDiagnostic(diagnostic, "ICG017", line, column, "The config file is not valid JSON: " + detail);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    [Theory]
    [InlineData("{\"a\": 0x1F}", "0x1F")]
    [InlineData("{\"a\": True}", "True")]
    [InlineData("{\"a\": 1, \"a\": 2}", "\"a\"")]
    [InlineData("{\"a\": \"C:\\data\"}", "\\d")]
    [InlineData("{\"a\": 1 \"b\": 2}", "\"")]
    [InlineData("{\"a\": [1, 2", "")]
    public void A_syntax_error_marks_the_offending_token(string json, string marked)
    {
        var span = Assert.Single(Analyze(json)).Location.SourceSpan;

        Assert.Equal(marked, json.Substring(span.Start, span.Length));
    }

    [Fact]
    public void A_bad_escape_names_the_valid_ones()
    {
        var diagnostic = Assert.Single(Analyze("{\"path\": \"C:\\data\"}"));

        AssertDiagnostic(diagnostic, "ICG017", 1, 13,
            "The config file is not valid JSON: $.path: invalid escape '\\d' in a string; the valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX (write a Windows path with '/' or '\\\\')");
    }

    [Fact]
    public void Nesting_deeper_than_the_host_allows_is_a_syntax_error()
    {
        // The top-level object is level 1; "{"a": " is six columns.
        static string Nested(int lists) => "{\"a\": " + new string('[', lists) + new string(']', lists) + "}";

        AssertDiagnostic(Assert.Single(Analyze(Nested(64))), "ICG017", 1, 70,
            "The config file is not valid JSON: $.a" + string.Concat(Enumerable.Repeat("[0]", 63)) + ": nesting is too deep: more than 64 levels of objects and arrays");
        Assert.Empty(Analyze(Nested(63)));
    }

    [Fact]
    public void Escapes_comments_and_a_byte_order_mark_are_read()
    {
        const string json = "\uFEFF{\"model\": {\"type\": \"ImageClassifier\", /* a */ \"backbone\": {\"type\": \"ResNet_\\u0043IFAR\", \"depth\": 19}}}";

        var diagnostic = Assert.Single(Analyze(json));

        // The escape resolves to "ResNet_CIFAR", so the member is checked; the BOM is one character.
        AssertDiagnostic(diagnostic, "ICG020", 1, 99, $"$.model.backbone.depth: depth must be {Depths}, but got 19.");
    }

    [Fact]
    public void An_unknown_type_is_a_warning_that_names_the_closest_names()
    {
        const string json = """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "ResNet_CIFR", "depth": 19},
                "neck": {"type": "ResNet_CIFAR"},
                "head": {"type": "PluginHead", "num_clases": 3}
              }
            }
            """;

        var diagnostics = Analyze(json);

        Assert.Equal(3, diagnostics.Length);
        Assert.All(diagnostics, diagnostic => Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity));
        AssertDiagnostic(diagnostics[0], "ICG018", 4, 26,
            "$.model.backbone.type: no backbone named 'ResNet_CIFR'; did you mean 'ResNet_CIFAR'? (a plugin loaded at run time may still register it)");
        AssertDiagnostic(diagnostics[1], "ICG018", 5, 22,
            "$.model.neck.type: no neck named 'ResNet_CIFAR'; 'ResNet_CIFAR' is a backbone, not a neck (a plugin loaded at run time may still register it)");
        AssertDiagnostic(diagnostics[2], "ICG018", 6, 22,
            "$.model.head.type: no head named 'PluginHead'; run 'icls list-models --kind head' to see the registered ones (a plugin loaded at run time may still register it)");
    }

    [Fact]
    public void A_plugin_only_type_gives_only_the_warning()
    {
        const string json = """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "ResNet_CIFAR", "depth": 50},
                "neck": {"type": "PluginNeck", "levels": [1, 2], "depth": "any"}
              }
            }
            """;

        var diagnostic = Assert.Single(Analyze(json));

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        AssertDiagnostic(diagnostic, "ICG018", 5, 22,
            "$.model.neck.type: no neck named 'PluginNeck'; run 'icls list-models --kind neck' to see the registered ones (a plugin loaded at run time may still register it)");
    }

    [Fact]
    public void An_unknown_member_is_an_error_that_names_the_close_members()
    {
        const string json = """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "ResNet_CIFAR", "depht": 18, "_base_": "x.json"},
                "neck": {"type": "AvgPool", "size": 2},
                "data_preprocessor": {"mean": [0, 0, 0]}
              }
            }
            """;

        var diagnostics = Analyze(json);

        Assert.Equal(4, diagnostics.Length);
        AssertDiagnostic(diagnostics[0], "ICG019", 4, 42,
            "$.model.backbone.depht: ResNet_CIFAR (a backbone) has no member 'depht'; did you mean 'depth'?");
        AssertDiagnostic(diagnostics[1], "ICG019", 4, 55,
            "$.model.backbone._base_: \"_base_\" is only allowed at the top level of a config file");
        AssertDiagnostic(diagnostics[2], "ICG019", 5, 33,
            "$.model.neck.size: AvgPool (a neck) has no member 'size'; its members are 'dim'");
        AssertDiagnostic(diagnostics[3], "ICG019", 6, 5,
            "$.model.data_preprocessor: ImageClassifier (a classifier) has no member 'data_preprocessor'; its members are 'backbone', 'neck', 'head' and 'pretrained'");
    }

    [Fact]
    public void A_constant_outside_a_constraint_is_an_error_worded_as_the_runtime_words_it()
    {
        const string json = """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {
                  "type": "ResNet_CIFAR",
                  "depth": 19,
                  "out_indices": [0, 4],
                  "style": "caffe2",
                  "drop_rate": 1.5
                },
                "head": {
                  "type": "LinearHead",
                  "num_classes": 0,
                  "topk": [1, 0],
                  "loss": {"type": "LabelSmoothLoss", "label_smooth_val": 2}
                }
              }
            }
            """;

        var diagnostics = Analyze(json);

        Assert.Equal(7, diagnostics.Length);
        AssertOutside(diagnostics[0], 6, 16, "depth", Depths, "19");
        AssertOutside(diagnostics[1], 7, 26, "out_indices[1]", ZeroToThree, "4");
        AssertOutside(diagnostics[2], 8, 16, "style", Styles, "\"caffe2\"");
        AssertOutside(diagnostics[3], 9, 20, "drop_rate", ZeroToOne, "1.5");
        AssertOutside(diagnostics[4], 13, 22, "num_classes", AtLeastOne, "0");
        AssertOutside(diagnostics[5], 14, 19, "topk[1]", AtLeastOne, "0");
        AssertOutside(diagnostics[6], 15, 63, "label_smooth_val", ZeroToOne, "2");
    }

    [Fact]
    public void A_derived_component_has_its_base_members_and_their_constraints()
    {
        const string json = """
            {"type": "ResNet_CIFAR_Wide", "depth": 19, "widen": 0, "widn": 3}
            """;

        var diagnostics = Analyze(json);

        Assert.Equal(3, diagnostics.Length);
        AssertOutside(diagnostics[0], 1, 40, "depth", Depths, "19");
        AssertOutside(diagnostics[1], 1, 53, "widen", AtLeastOne, "0");
        AssertDiagnostic(diagnostics[2], "ICG019", 1, 56, "$.widn: ResNet_CIFAR_Wide (a backbone) has no member 'widn'; did you mean 'widen'?");
    }

    [Fact]
    public void A_value_of_the_wrong_kind_is_an_error()
    {
        const string json = """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {
                  "type": "ResNet_CIFAR",
                  "depth": "50",
                  "in_channels": 3000000000,
                  "out_indices": "3",
                  "frozen": "yes",
                  "padding": "reflect",
                  "_delete_": "yes"
                },
                "neck": null,
                "head": [],
              }
            }
            """;

        var diagnostics = Analyze(json);

        Assert.Equal(7, diagnostics.Length);
        AssertWrongKind(diagnostics[0], 6, 16, "$.model.backbone.depth: expected an integer, but found the string \"50\"");
        AssertWrongKind(diagnostics[1], 7, 22, "$.model.backbone.in_channels: expected an integer from -2147483648 to 2147483647, but found the number 3000000000");
        AssertWrongKind(diagnostics[2], 8, 22, "$.model.backbone.out_indices: expected an integer, a list of integers or null, but found the string \"3\"");
        AssertWrongKind(diagnostics[3], 9, 17, "$.model.backbone.frozen: expected true or false, but found the string \"yes\"");
        AssertWrongKind(diagnostics[4], 10, 18, "$.model.backbone.padding: expected one of \"zeros\", \"reflect_padding\", but found the string \"reflect\"; did you mean \"reflect_padding\"?");
        AssertWrongKind(diagnostics[5], 11, 19, "$.model.backbone._delete_: \"_delete_\" must be true or false, but found a string");
        AssertWrongKind(diagnostics[6], 14, 13, "$.model.head: expected a head config (an object with \"type\") or null, but found a list");
    }

    [Fact]
    public void Null_fractions_and_a_type_that_is_no_string_are_the_wrong_kind()
    {
        var component = Analyze("""{"type": "ResNet_CIFAR", "depth": 18.5, "in_channels": null}""");
        var model = Analyze("""{"model": {"type": "ImageClassifier", "backbone": null}}""");
        var type = Analyze("""{"model": {"type": 5}}""");

        Assert.Equal(2, component.Length);
        AssertWrongKind(component[0], 1, 35, "$.depth: expected an integer, but found the number 18.5");
        AssertWrongKind(component[1], 1, 56, "$.in_channels: expected an integer, but found null");
        AssertWrongKind(Assert.Single(model), 1, 51, "$.model.backbone: expected a backbone config (an object with \"type\"), but found null");
        AssertWrongKind(Assert.Single(type), 1, 20, "$.model.type: expected the name of a registered classifier (a string), but found the number 5");
    }

    [Fact]
    public void Base_must_name_files_and_stand_at_the_top()
    {
        var diagnostics = Analyze("""{"_base_": ["a.json", 3], "model": {"_base_": 1}}""");

        Assert.Equal(2, diagnostics.Length);
        AssertWrongKind(diagnostics[0], 1, 23, "$._base_[1]: expected a string (the path of a base config), but found a number");
        AssertDiagnostic(diagnostics[1], "ICG019", 1, 37, "$.model._base_: \"_base_\" is only allowed at the top level of a config file");
        AssertWrongKind(Assert.Single(Analyze("""{"_base_": {}}""")), 1, 12, "$._base_: expected a string or a list of strings (paths of base configs), but found an object");
        AssertWrongKind(Assert.Single(Analyze("""{"_base_": ["a.json", "../models/r18.py"]}""")), 1, 23, "$._base_[1]: '../models/r18.py' is a .py config; only JSON configs can be inherited (convert it to .json)");
    }

    [Fact]
    public void The_loaders_rules_for_one_file_hold_wherever_the_component_is_unknown()
    {
        const string json = """
            {
              "_delete_": true,
              "train_pipeline": [{"type": "PluginTransform", "_base_": "x.json", "_delete_": 1}]
            }
            """;

        var diagnostics = Analyze(json);

        Assert.Equal(3, diagnostics.Length);
        AssertDiagnostic(diagnostics[0], "ICG019", 2, 3, "$: \"_delete_\" cannot be used at the top level of a config file; to inherit nothing, remove \"_base_\"");
        AssertDiagnostic(diagnostics[1], "ICG019", 3, 50, "$.train_pipeline[0]._base_: \"_base_\" is only allowed at the top level of a config file");
        AssertWrongKind(diagnostics[2], 3, 82, "$.train_pipeline[0]._delete_: \"_delete_\" must be true or false, but found a number");
        AssertWrongKind(Assert.Single(Analyze("[{}]")), 1, 1, "$: a config file must hold a JSON object at the top level, but found an array");
    }

    [Fact]
    public void Delete_true_where_nothing_can_be_inherited_is_an_error()
    {
        var withoutBases = Analyze("""{"optim_wrapper": {"_delete_": true, "lr": 0.1}}""");
        var inAList = Analyze("""{"_base_": "a.json", "pipeline": [{"_delete_": true}], "model": {"_delete_": true}}""");

        AssertDiagnostic(Assert.Single(withoutBases), "ICG019", 1, 20,
            "$.optim_wrapper: \"_delete_\": true has nothing to replace: nothing is inherited at $.optim_wrapper; remove it");
        AssertDiagnostic(Assert.Single(inAList), "ICG019", 1, 36,
            "$.pipeline[0]: \"_delete_\": true has nothing to replace: lists are replaced whole, so an object inside a list inherits nothing; remove it");
    }

    [Fact]
    public void Known_components_outside_the_model_are_checked_and_unknown_ones_are_left_alone()
    {
        const string json = """
            {
              "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.1}},
              "custom_hooks": [{"type": "LinearHead", "num_clases": 10}]
            }
            """;

        var diagnostic = Assert.Single(Analyze(json));

        AssertDiagnostic(diagnostic, "ICG019", 3, 43, "$.custom_hooks[0].num_clases: LinearHead (a head) has no member 'num_clases'; did you mean 'num_classes'?");
    }

    [Fact]
    public void Files_that_are_not_json_are_not_read()
    {
        var diagnostics = AdditionalFiles.Analyze(Generated.Value, [("notes.txt", "{ not json"), ("configs/ok.JSON", "{}")], new JsonConfigAnalyzer());

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Each_file_is_reported_in_itself()
    {
        var diagnostics = AdditionalFiles.Analyze(
            Generated.Value,
            [("configs/a.json", "{\"type\": \"AvgPool\", \"dim\": 5}"), ("configs/b.json", "{\"type\": \"AvgPool\", \"dim\": [")],
            new JsonConfigAnalyzer());

        Assert.Equal(
            ["configs/a.json: ICG020", "configs/b.json: ICG017"],
            diagnostics.Select(diagnostic => $"{diagnostic.Location.GetLineSpan().Path}: {diagnostic.Id}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Components_of_a_referenced_assembly_are_known()
    {
        var app = CompilationFactory.Create(["namespace App { public static class Program { } }"], "App", [EmitGenerated()]);
        const string json = """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "CifarResNet", "depth": 19, "padding": "reflect_padding"},
                "head": {"type": "LinearHead", "num_classes": "ten", "loss": {"type": "LabelSmoothLoss", "reductoin": "sum"}}
              }
            }
            """;

        var diagnostics = Sorted(AdditionalFiles.Analyze(app, ConfigPath, json, new JsonConfigAnalyzer()));

        // The alias picks the backbone, and the members, kinds and constraints come from the
        // library's config classes.
        Assert.Equal(3, diagnostics.Length);
        AssertOutside(diagnostics[0], 4, 50, "depth", Depths, "19");
        AssertWrongKind(diagnostics[1], 5, 51, "$.model.head.num_classes: expected an integer, but found the string \"ten\"");
        AssertDiagnostic(diagnostics[2], "ICG019", 5, 94, "$.model.head.loss.reductoin: LabelSmoothLoss (a loss) has no member 'reductoin'; did you mean 'reduction'?");
    }

    [Fact]
    public void A_member_of_a_config_class_type_is_checked_against_that_component()
    {
        const string pooler = """
            using System.Collections.Generic;
            using ImageClassifier;
            using Plugin;
            using static TorchSharp.torch;

            namespace App;

            [RegisterModel]
            public sealed class Pooler : Neck
            {
                public Pooler(AvgPoolConfig pool, AvgPoolConfig? extra = null)
                    : base("Pooler")
                {
                }

                public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input) => input;
            }
            """;
        var app = GeneratorHarness.Run(CompilationFactory.Create([pooler], "App", [EmitGenerated()])).Output;
        GeneratorHarness.AssertNoDiagnostics(app);

        var diagnostics = Sorted(AdditionalFiles.Analyze(app, ConfigPath, """{"type": "Pooler", "pool": {"dim": 7}, "extra": 3}""", new JsonConfigAnalyzer()));

        // The config class fixes the component, so "type" may be left out.
        Assert.Equal(2, diagnostics.Length);
        AssertOutside(diagnostics[0], 1, 36, "dim", new OneOfAttribute(1, 2, 3).Expectation, "7");
        AssertWrongKind(diagnostics[1], 1, 49, "$.extra: expected an AvgPool config (an object with \"type\") or null, but found the number 3");
    }

    [Fact]
    public void Without_a_classifier_the_model_may_be_a_component_of_any_kind()
    {
        var library = CompilationFactory.Create(Sources.Header + Sources.TinyBackbone, "Tiny");

        var diagnostics = AdditionalFiles.Analyze(library, ConfigPath, """{"model": {"type": "Tiny", "depth": 19}}""", new JsonConfigAnalyzer());

        AssertOutside(Assert.Single(diagnostics), 1, 37, "depth", new OneOfAttribute(18, 34).Expectation, "19");
    }

    [Fact]
    public void Before_the_generator_has_run_the_constructors_give_the_same_diagnostics()
    {
        const string json = """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": {"type": "ResNet_CIFAR_Wide", "depth": "18", "out_indices": [9], "padding": "reflect", "widen": 0, "x": 1},
                "neck": {"type": "AvgPool", "dim": 4},
                "head": {"type": "LinearHead", "num_classes": 0, "loss": {"type": "LabelSmoothLoss", "reduction": 1, "loss_weight": -1}}
              }
            }
            """;
        var withoutConfigs = CompilationFactory.Create(Components, "Plugin");

        var expected = Analyze(json);
        var actual = Sorted(AdditionalFiles.Analyze(withoutConfigs, ConfigPath, json, new JsonConfigAnalyzer()));

        Assert.Equal(9, expected.Length);
        Assert.Equal(expected.Select(Describe), actual.Select(Describe));
    }

    [Fact]
    public void Rules_have_help_links_to_their_sections_of_the_diagnostics_page()
    {
        var page = File.ReadAllLines(Path.Combine(TestPaths.ProjectDirectory, "..", "..", "docs", "diagnostics.md"));

        var rules = new JsonConfigAnalyzer().SupportedDiagnostics;

        Assert.Equal(["ICG017", "ICG018", "ICG019", "ICG020", "ICG021"], rules.Select(rule => rule.Id));
        Assert.Equal(DiagnosticSeverity.Warning, rules.Single(rule => rule.Id == "ICG018").DefaultSeverity);
        foreach (var rule in rules)
        {
            Assert.Equal($"docs/diagnostics.md#{rule.Id.ToLowerInvariant()}", rule.HelpLinkUri);
            Assert.Contains($"## {rule.Id}", page);
            Assert.Contains(page, line => line.StartsWith($"| [{rule.Id}](#{rule.Id.ToLowerInvariant()}) |", StringComparison.Ordinal));
        }
    }

    private static MetadataReference EmitGenerated()
    {
        using var image = new MemoryStream();
        var emitted = Generated.Value.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }

    private static ImmutableArray<Diagnostic> Analyze(string json) =>
        Sorted(AdditionalFiles.Analyze(Generated.Value, ConfigPath, json, new JsonConfigAnalyzer()));

    private static ImmutableArray<Diagnostic> Sorted(ImmutableArray<Diagnostic> diagnostics) =>
        [.. diagnostics.OrderBy(diagnostic => diagnostic.Location.SourceSpan.Start).ThenBy(diagnostic => diagnostic.Id, StringComparer.Ordinal)];

    private static string Describe(Diagnostic diagnostic) =>
        $"{diagnostic.Id} {diagnostic.Location.GetLineSpan()} {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";

    /// <summary>ICG020 at the value, in the setter's words after the value's JSON path (the host's message; AnalyzerParityTests compares whole messages).</summary>
    private static void AssertOutside(Diagnostic diagnostic, int line, int column, string member, string expectation, string value)
    {
        var position = diagnostic.Location.GetLineSpan();
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        Assert.Equal(("ICG020", line, column), (diagnostic.Id, position.StartLinePosition.Line + 1, position.StartLinePosition.Character + 1));
        Assert.StartsWith("$.", message, StringComparison.Ordinal);
        Assert.EndsWith($": {member} must be {expectation}, but got {value}.", message, StringComparison.Ordinal);
    }

    private static void AssertWrongKind(Diagnostic diagnostic, int line, int column, string message) =>
        AssertDiagnostic(diagnostic, "ICG021", line, column, message);

    private static void AssertDiagnostic(Diagnostic diagnostic, string id, int line, int column, string message)
    {
        var position = diagnostic.Location.GetLineSpan();
        Assert.Equal(
            (id, ConfigPath, line, column, message),
            (diagnostic.Id, position.Path, position.StartLinePosition.Line + 1, position.StartLinePosition.Character + 1, diagnostic.GetMessage(CultureInfo.InvariantCulture)));
    }
}
