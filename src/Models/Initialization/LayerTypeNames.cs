using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// The type names an initializer's <c>layer</c> list matches a module by. mmengine compares
/// <c>layer</c> with the module's class name and the names of its direct base classes, so
/// "Conv2d" picks plain 2-D convolutions and "_BatchNorm" every batch norm. TorchSharp's classes
/// carry PyTorch's names (<c>Conv2d</c>, <c>BatchNorm2d</c>, <c>Linear</c>, <c>GroupNorm</c>,
/// <c>LayerNorm</c>) but not PyTorch's private bases, so those are mapped here by name.
/// </summary>
public static class LayerTypeNames
{
    // PyTorch's direct base of each layer that has a private one (torch.nn.modules.*).
    private static readonly Dictionary<string, string> PyTorchBases = new(StringComparer.Ordinal)
    {
        ["Conv1d"] = "_ConvNd",
        ["Conv2d"] = "_ConvNd",
        ["Conv3d"] = "_ConvNd",
        ["ConvTranspose1d"] = "_ConvTransposeNd",
        ["ConvTranspose2d"] = "_ConvTransposeNd",
        ["ConvTranspose3d"] = "_ConvTransposeNd",
        ["BatchNorm1d"] = "_BatchNorm",
        ["BatchNorm2d"] = "_BatchNorm",
        ["BatchNorm3d"] = "_BatchNorm",
        ["SyncBatchNorm"] = "_BatchNorm",
        ["InstanceNorm1d"] = "_InstanceNorm",
        ["InstanceNorm2d"] = "_InstanceNorm",
        ["InstanceNorm3d"] = "_InstanceNorm",

        // mmcv's same-padding convolution derives from nn.Conv2d, so layer "Conv2d" initialises it.
        ["Conv2dAdaptivePadding"] = "Conv2d",
    };

    // TorchSharp's plumbing between a layer and nn.Module; matching on it would pick everything.
    private static readonly HashSet<string> FrameworkBases = new(StringComparer.Ordinal) { "Module", "HookableModule", "ParameterLessModule", "Object" };

    /// <summary>
    /// The names <paramref name="module"/> answers to: its class name, the name of its direct base
    /// class (unless that is TorchSharp's module plumbing), and PyTorch's private base where it has one.
    /// </summary>
    public static IReadOnlyList<string> Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var type = module.GetType();
        var names = new List<string> { WithoutArity(type.Name) };
        if (PyTorchBases.TryGetValue(names[0], out var pytorchBase))
        {
            names.Add(pytorchBase);
        }

        if (type.BaseType is { } baseType && !FrameworkBases.Contains(WithoutArity(baseType.Name)))
        {
            names.Add(WithoutArity(baseType.Name));
        }

        return names;
    }

    /// <summary>True when one of <paramref name="layers"/> is a name of <paramref name="module"/> (see <see cref="Of"/>).</summary>
    public static bool Matches(nn.Module module, IReadOnlyCollection<string> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return layers.Count > 0 && Of(module).Any(layers.Contains);
    }

    private static string WithoutArity(string name)
    {
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
