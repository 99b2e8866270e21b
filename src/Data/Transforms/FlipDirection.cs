namespace ImageClassifier.Data.Transforms;

/// <summary>Which way <see cref="RandomFlip"/> flips; snake_case in configs.</summary>
public enum FlipDirection
{
    /// <summary>"horizontal": left and right swap.</summary>
    Horizontal,

    /// <summary>"vertical": top and bottom swap.</summary>
    Vertical,

    /// <summary>"diagonal": both at once (a 180-degree rotation).</summary>
    Diagonal,
}
