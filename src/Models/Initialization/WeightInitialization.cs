using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// Initialises a model's weights from the <c>init_cfg</c> of its modules, in mmengine's order
/// (<c>BaseModule.init_weights</c>):
/// <list type="number">
/// <item>a module's own initializers (each over its whole subtree, filtered by <c>layer</c>), then</item>
/// <item>its children, depth-first, so a deeper init_cfg overrides a shallower one, then</item>
/// <item>its <see cref="IHasInitConfig.OnWeightsInitialized"/> hook;</item>
/// <item>last of all, every <see cref="PretrainedInit"/> in the tree, deepest first, so checkpoints
/// overwrite whatever was drawn (mmengine gives Pretrained the same priority).</item>
/// </list>
/// Unlike mmengine, the walk goes on through modules without an init_cfg (TorchSharp's
/// Sequential and ModuleList cannot carry one), so a component nested in them is still initialised.
/// Modules without any init_cfg keep TorchSharp's (PyTorch's) default initialisation. Everything,
/// hooks included, runs under no_grad.
/// </summary>
public static class WeightInitialization
{
    /// <summary>Initialises <paramref name="root"/> and everything under it; see the class remarks for the order.</summary>
    public static void Initialize(nn.Module root)
    {
        ArgumentNullException.ThrowIfNull(root);
        using var noGrad = torch.no_grad();

        // The fills work in place on the parameters; the scope frees their temporaries now, not at a garbage collection.
        using var scope = torch.NewDisposeScope();
        var pretrained = new List<(nn.Module Module, PretrainedInit Initializer)>();
        Visit(root, pretrained);
        foreach (var (module, initializer) in pretrained)
        {
            initializer.Apply(module);
        }
    }

    /// <summary>
    /// Initialises again the module at <paramref name="path"/> below <paramref name="root"/> (a
    /// dotted name such as "head.fc") as <see cref="Initialize"/> would: its ancestors'
    /// initializers, root first, then its own subtree's. Pretrained entries are left out.
    /// </summary>
    /// <returns>True when some initializer reached the module or its subtree; false when it kept its weights.</returns>
    /// <exception cref="ArgumentException">No module has that name.</exception>
    public static bool Reinitialize(nn.Module root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var ancestors = new List<nn.Module>();
        var target = root;
        foreach (var name in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            ancestors.Add(target);
            target = target.named_children().FirstOrDefault(child => child.name == name).module
                ?? throw new ArgumentException($"The model has no module '{path}' ('{name}' is not a child there).", nameof(path));
        }

        var subtree = target.modules().Prepend(target).ToList();
        var reached = false;
        foreach (var initializer in ancestors.SelectMany(OwnNonPretrained))
        {
            initializer.Apply(target);
            reached |= subtree.Any(module => Reaches(initializer, module));
        }

        reached |= subtree.Any(owner => OwnNonPretrained(owner).Any(initializer => owner.modules().Prepend(owner).Any(module => Reaches(initializer, module))));
        Visit(target, []);
        return reached;
    }

    private static void Visit(nn.Module module, List<(nn.Module, PretrainedInit)> pretrained)
    {
        foreach (var initializer in OwnNonPretrained(module))
        {
            initializer.Apply(module);
        }

        foreach (var (_, child) in module.named_children())
        {
            Visit(child, pretrained);
        }

        if (module is IHasInitConfig configured)
        {
            pretrained.AddRange(configured.InitCfg.OfType<PretrainedInit>().Select(initializer => (module, initializer)));
            configured.OnWeightsInitialized();
        }
    }

    // A layer initializer touches only the types it names; any other initializer may touch anything.
    private static bool Reaches(Initializer initializer, nn.Module module) =>
        initializer is not LayerInitializer layered || layered.Matches(module);

    private static IReadOnlyList<Initializer> OwnNonPretrained(nn.Module module) =>
        module is IHasInitConfig configured ? [.. configured.InitCfg.Where(initializer => initializer is not PretrainedInit)] : [];
}
