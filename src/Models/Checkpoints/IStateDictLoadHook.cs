using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// A module that adapts a state dict to itself before it is loaded (PyTorch's
/// <c>_register_load_state_dict_pre_hook</c>): the Vision Transformer resizes a position embedding
/// made for another image size. <see cref="StateDictLoader.Load"/> calls it for every such module
/// in the tree, before comparing keys and shapes.
/// </summary>
public interface IStateDictLoadHook
{
    /// <summary>Rewrites this module's entries of <paramref name="stateDict"/> in place.</summary>
    /// <param name="stateDict">The whole state dict being loaded; tensors put in it belong to the caller's dispose scope.</param>
    /// <param name="prefix">Where this module's entries start in it ("backbone."; empty for the root).</param>
    void BeforeLoad(IDictionary<string, Tensor> stateDict, string prefix);
}
