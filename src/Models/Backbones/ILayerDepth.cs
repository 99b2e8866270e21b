namespace ImageClassifier.Models.Backbones;

/// <summary>
/// A model or backbone that numbers its layers from the input, for layer-wise learning-rate decay
/// (mmpretrain's <c>get_layer_depth</c>, which <c>LearningRateDecayOptimWrapperConstructor</c>
/// calls for every trainable parameter). <see cref="LayerDepths"/> holds mmpretrain's numberings.
/// </summary>
public interface ILayerDepth
{
    /// <summary>The layer of a parameter, and how many layers there are.</summary>
    /// <param name="parameterName">The parameter's full name in the trained model, such as <c>backbone.layer2.1.conv1.weight</c>.</param>
    /// <param name="prefix">Where this module's own parameters start in such names (<c>backbone.</c>; empty for the model itself). A name outside it belongs to a later module, such as the head.</param>
    /// <returns>The layer (0 for the stem) and the layer count; the learning rate is scaled by the decay rate to the power count - layer - 1.</returns>
    /// <exception cref="NotSupportedException">This configuration has no numbering (where mmpretrain raises NotImplementedError).</exception>
    (int LayerId, int LayerCount) GetLayerDepth(string parameterName, string prefix);
}
