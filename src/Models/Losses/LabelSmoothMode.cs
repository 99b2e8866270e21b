namespace ImageClassifier.Models.Losses;

/// <summary>How <see cref="LabelSmoothLoss"/> smooths a one-hot target; snake_case in configs.</summary>
public enum LabelSmoothMode
{
    /// <summary>"original": (1 - eps) * one_hot + eps / num_classes, as in the Inception-v3 paper.</summary>
    Original,

    /// <summary>"classy_vision": (one_hot + eps / num_classes) / (1 + eps), as ClassyVision does.</summary>
    ClassyVision,

    /// <summary>"multi_label": 1 - eps where the target is positive and eps elsewhere.</summary>
    MultiLabel,
}
