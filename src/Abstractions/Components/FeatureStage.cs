using System.Text.Json.Serialization;

namespace ImageClassifier;

/// <summary>Where <see cref="Classifier.ExtractFeat"/> stops; "backbone", "neck" or "pre_logits" in configs.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<FeatureStage>))]
public enum FeatureStage
{
    /// <summary>The backbone's multi-scale feature maps.</summary>
    Backbone,

    /// <summary>The neck's outputs; the backbone's when there is no neck.</summary>
    Neck,

    /// <summary>The features the head's final classifier layer reads (one tensor).</summary>
    PreLogits,
}
