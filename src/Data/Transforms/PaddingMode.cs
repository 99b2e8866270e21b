namespace ImageClassifier.Data.Transforms;

/// <summary>How the border is filled when an image is padded; snake_case in configs, as mmcv names them.</summary>
public enum PaddingMode
{
    /// <summary>"constant": the pad value.</summary>
    Constant,

    /// <summary>"edge": the nearest edge pixel repeated.</summary>
    Edge,

    /// <summary>"reflect": mirrored without repeating the edge pixel ([1, 2, 3] padded by 2 is [3, 2, 1, 2, 3, 2, 1]).</summary>
    Reflect,

    /// <summary>"symmetric": mirrored repeating the edge pixel ([1, 2, 3] padded by 2 is [2, 1, 1, 2, 3, 3, 2]).</summary>
    Symmetric,
}
