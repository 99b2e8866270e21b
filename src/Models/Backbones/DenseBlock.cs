using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// A DenseNet block, mmpretrain's <c>DenseBlock</c>: <c>block</c>, a list of dense layers, each
/// reading the block's input and every earlier layer's output concatenated on the channels.
/// (N, in, H, W) to (N, in + num_layers * growth_rate, H, W): the input followed by each layer's
/// growth_rate new channels.
/// </summary>
public sealed class DenseBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute name, so it is the checkpoint key.
    private readonly ModuleList<DenseLayer> block;

    /// <summary>Creates the block.</summary>
    /// <param name="numLayers">Dense layers.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="bnSize">Each layer's 1x1 conv output over growth_rate.</param>
    /// <param name="growthRate">Channels each layer adds.</param>
    /// <param name="norm">Builds the norms.</param>
    /// <param name="activation">The activation after each norm.</param>
    /// <param name="dropRate">Dropout probability of each layer's output while training.</param>
    public DenseBlock(int numLayers, int inChannels, int bnSize, int growthRate, NormLayerBuilder norm, ActivationBuilder activation, double dropRate)
        : base(nameof(DenseBlock))
    {
        block = nn.ModuleList([.. Enumerable.Range(0, numLayers).Select(index =>
            new DenseLayer(inChannels + (index * growthRate), growthRate, bnSize, norm, activation, dropRate))]);
        OutChannels = inChannels + (numLayers * growthRate);
        RegisterComponents();
    }

    /// <summary>Output channels: the input's plus growth_rate per layer.</summary>
    public int OutChannels { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // Growing one concatenation equals concatenating every output anew for each layer, as
        // mmpretrain does, and each step's temporaries go at once instead of with the caller's scope.
        var features = input;
        foreach (var layer in block)
        {
            using var scope = torch.NewDisposeScope();
            var grown = torch.cat([features, layer.call(features)], 1).MoveToOuterDisposeScope();
            if (!ReferenceEquals(features, input))
            {
                features.Dispose();
            }

            features = grown;
        }

        return features;
    }

    /// <summary>Each layer's output concatenated to the features so far, along the channels.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var features = inputs[0];
        foreach (var layer in block)
        {
            features = graph.Node("Concat", [features, graph.Export(layer, features)], OnnxAttribute.Int("axis", 1));
        }

        return [features];
    }
}
