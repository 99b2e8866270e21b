using System.Text.Json;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.Heads;
using ImageClassifier.Onnx.Export;
using ImageClassifier.Onnx.Tests.TestHelpers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Onnx.Tests.Export;

public sealed class OnnxExporterTests
{
    [Fact]
    public void Softmax_adds_scores_that_are_the_probabilities_of_the_logits()
    {
        torch.manual_seed(11);
        using var model = ExportCheck.Classifier(new ResNet(18, stemChannels: 8, baseChannels: 4), 32);
        model.eval();
        long[] shape = [2, 3, 32, 32];
        var pixels = ExportCheck.Pixels(shape, 3);
        var expected = ExportCheck.TorchLogits(model, pixels, shape);

        using var exported = ExportedModel.Export(model, new OnnxExportOptions { Height = 32, Width = 32, Softmax = true });
        var scores = exported.Run(pixels, shape, OnnxExporter.ScoresName);

        using var probabilities = torch.tensor(expected, [2, 5]).softmax(1);
        ExportCheck.AssertClose(probabilities.data<float>().ToArray(), scores, "scores");
        Assert.Equal([OnnxExporter.LogitsName, OnnxExporter.ScoresName], exported.Session.OutputNames);
    }

    [Fact]
    public void The_file_declares_a_dynamic_batch_and_describes_its_input_and_classes()
    {
        torch.manual_seed(12);
        using var model = ExportCheck.Classifier(new ResNet(18, stemChannels: 8, baseChannels: 4), 32);
        using var exported = ExportedModel.Export(model, new OnnxExportOptions { Height = 24, Width = 40, Classes = ["a", "b", "c", "d", "e"], ChannelOrder = "bgr" });

        var input = exported.Session.InputMetadata[OnnxExporter.InputName];
        Assert.Equal([-1, 3, 24, 40], input.Dimensions);
        Assert.Equal(OnnxExporter.BatchDimension, input.SymbolicDimensions[0]);
        Assert.Equal([-1, 5], exported.Session.OutputMetadata[OnnxExporter.LogitsName].Dimensions);
        var metadata = exported.Session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(["a", "b", "c", "d", "e"], JsonSerializer.Deserialize<string[]>(metadata[OnnxMetadataKeys.Classes])!);
        Assert.Equal("3,24,40", metadata[OnnxMetadataKeys.InputShape]);
        Assert.Equal("bgr", metadata[OnnxMetadataKeys.ChannelOrder]);
        Assert.Equal("5", metadata[OnnxMetadataKeys.NumClasses]);
    }

    [Fact]
    public void Weights_are_initializers_named_after_their_state_dict_keys()
    {
        torch.manual_seed(13);
        using var model = ExportCheck.Classifier(new ResNet(18, stemChannels: 8, baseChannels: 4), 32);
        var (graph, _) = OnnxExporter.BuildGraph(model, new OnnxExportOptions { Height = 32, Width = 32 });

        var names = graph.Initializers.Select(tensor => tensor.Name).ToHashSet();
        Assert.Contains("backbone.conv1.weight", names);
        Assert.Contains("backbone.conv1.bias", names); // bn1 folded into it, as the inferencer runs the model
        Assert.Contains("backbone.layer1.0.conv2.weight", names);
        Assert.Contains("head.fc.weight", names);
        Assert.DoesNotContain(graph.Nodes, node => node.OpType == "BatchNormalization");
    }

    [Fact]
    public void A_module_without_an_export_is_named_by_path_and_type()
    {
        torch.manual_seed(14);
        using var model = ExportCheck.Classifier(new OpaqueBackbone(), 4);

        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.BuildGraph(model, new OnnxExportOptions { Height = 8, Width = 8 }));

        Assert.Equal("backbone.mystery (MysteryLayer) has no ONNX export; implement IOnnxExportable.", error.Message);
    }

    [Fact]
    public void A_head_that_overrides_forward_without_its_export_is_refused_rather_than_exported_as_its_base()
    {
        torch.manual_seed(15);
        using var model = ExportCheck.Classifier(new ResNet(18, stemChannels: 8, baseChannels: 4), 32, head: new DoublingHead(5, 32));

        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.BuildGraph(model, new OnnxExportOptions { Height = 32, Width = 32 }));

        Assert.StartsWith("head (DoublingHead) overrides forward in DoublingHead but its ONNX export (ExportOnnx) comes from LinearClsHead", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_export_to_a_file_leaves_no_file_and_an_existing_one_untouched()
    {
        torch.manual_seed(16);
        using var model = ExportCheck.Classifier(new OpaqueBackbone(), 4);
        var folder = Directory.CreateTempSubdirectory("onnx-export-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.onnx");
            Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, path, new OnnxExportOptions { Height = 8, Width = 8 }));
            Assert.Empty(folder.GetFiles());

            File.WriteAllText(path, "earlier export");
            Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, path, new OnnxExportOptions { Height = 8, Width = 8 }));
            Assert.Equal("earlier export", File.ReadAllText(path));
            Assert.Single(folder.GetFiles());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void State_that_no_export_reads_is_named_by_its_key_and_the_export_that_ignores_it()
    {
        torch.manual_seed(17);
        using var model = ExportCheck.Classifier(new GainedBackbone(markGainRead: false), 4);

        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.BuildGraph(model, new OnnxExportOptions { Height = 8, Width = 8 }));

        Assert.StartsWith(
            "backbone.offset is not used by the exported graph: the export of GainedBackbone ignores it; "
            + "backbone.gain.weight is not used by the exported graph: the export of GainedBackbone ignores it. Export it, or mark it",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void State_read_into_a_constant_and_marked_consumed_exports_and_matches_onnx_runtime()
    {
        torch.manual_seed(18);
        using var model = ExportCheck.Classifier(new GainedBackbone(markGainRead: true), 4);

        ExportCheck.AssertMatches(model, 8, 8);
    }

    // A per-channel gain in a child module and an offset of its own: its export reads neither
    // (a wrong graph the completeness check must catch), or, marked, folds both into one constant.
    private sealed class GainedBackbone : Backbone, IOnnxExportable
    {
        private readonly nn.Module<Tensor, Tensor> stem = nn.Conv2d(3, 4, 3, padding: 1);
        private readonly Gain gain = new(4);
        private readonly Parameter offset = new(torch.randn(4, 1, 1));
        private readonly bool markGainRead;

        public GainedBackbone(bool markGainRead)
            : base(nameof(GainedBackbone))
        {
            this.markGainRead = markGainRead;
            RegisterComponents();
        }

        public override IReadOnlyList<Tensor> forward(Tensor input) => [gain.call(stem.call(input)) + offset];

        public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
        {
            var features = graph.Export(stem, inputs[0]);
            if (!markGainRead)
            {
                return [features];
            }

            graph.Consumed(gain.Weight, offset);
            using var noGrad = torch.no_grad();
            using var weight = gain.Weight.detach().clone();
            using var shift = offset.detach().clone();
            var scaled = graph.Node("Mul", [features, OnnxOperators.Constant(graph, weight)]);
            return [graph.Node("Add", [scaled, OnnxOperators.Constant(graph, shift)])];
        }
    }

    private sealed class Gain : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter weight;

        public Gain(int channels)
            : base(nameof(Gain))
        {
            weight = new Parameter(torch.rand(channels, 1, 1) + 0.5);
            RegisterComponents();
        }

        public Parameter Weight => weight;

        public override Tensor forward(Tensor input) => input * weight;
    }

    // Exports itself, as a plugin's backbone would, but holds a layer that has no export.
    private sealed class OpaqueBackbone : Backbone, IOnnxExportable
    {
        private readonly nn.Module<Tensor, Tensor> stem = nn.Conv2d(3, 4, 3, padding: 1);
        private readonly MysteryLayer mystery = new();

        public OpaqueBackbone()
            : base(nameof(OpaqueBackbone))
        {
            RegisterComponents();
        }

        public override IReadOnlyList<Tensor> forward(Tensor input) => [mystery.call(stem.call(input))];

        public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs) => [graph.Chain(inputs[0], stem, mystery)];
    }

    private sealed class MysteryLayer() : nn.Module<Tensor, Tensor>(nameof(MysteryLayer))
    {
        public override Tensor forward(Tensor input) => input.abs();
    }

    private sealed class DoublingHead(int numClasses, int inChannels) : LinearClsHead(new ClsHeadConfig(), numClasses, inChannels)
    {
        public override Tensor forward(IReadOnlyList<Tensor> input) => base.forward(input) * 2;
    }
}
