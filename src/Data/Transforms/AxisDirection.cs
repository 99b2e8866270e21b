namespace ImageClassifier.Data.Transforms;

/// <summary>The axis along which Shear and Translate move pixels; snake_case in configs.</summary>
public enum AxisDirection
{
    /// <summary>"horizontal": along rows.</summary>
    Horizontal,

    /// <summary>"vertical": along columns.</summary>
    Vertical,
}
