using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// A submodule registered under a name known only at run time, such as mmcv's norm names: the
/// first norm of a block is <c>bn1</c> with BN and <c>gn1</c> with GN. The name is a checkpoint key.
/// </summary>
/// <remarks>
/// TorchSharp's <c>RegisterComponents</c> registers every module-valued field under the field's
/// own name. A module kept in this holder is not a module-valued field, so it is registered once,
/// under the computed name, by <see cref="Register"/>.
/// </remarks>
public sealed class NamedLayer
{
    private NamedLayer(string name, nn.Module<Tensor, Tensor> module)
    {
        Name = name;
        Module = module;
    }

    /// <summary>The attribute name the module is registered under (its state-dict prefix).</summary>
    public string Name { get; }

    /// <summary>The registered module.</summary>
    public nn.Module<Tensor, Tensor> Module { get; }

    /// <summary>Registers <paramref name="module"/> on <paramref name="owner"/> as <paramref name="name"/>.</summary>
    public static NamedLayer Register(nn.Module owner, string name, nn.Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(module);
        owner.register_module(name, module);
        return new NamedLayer(name, module);
    }

    /// <summary>
    /// Builds a norm layer for <paramref name="channels"/> channels and registers it on
    /// <paramref name="owner"/> as mmcv's <c>build_norm_layer</c> names it: the builder's
    /// abbreviation followed by <paramref name="postfix"/> ("bn" + "1" is <c>bn1</c>).
    /// </summary>
    public static NamedLayer RegisterNorm(nn.Module owner, NormLayerBuilder norm, int channels, string postfix = "")
    {
        ArgumentNullException.ThrowIfNull(norm);
        return Register(owner, norm.Abbreviation + postfix, norm.Create(channels));
    }

    /// <summary>Runs the module.</summary>
    public Tensor Call(Tensor input) => Module.call(input);
}
