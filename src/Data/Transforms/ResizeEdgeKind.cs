namespace ImageClassifier.Data.Transforms;

/// <summary>Which side <see cref="ResizeEdge"/> sets to its scale; snake_case in configs.</summary>
public enum ResizeEdgeKind
{
    /// <summary>"short": the shorter side (ImageNet's resize-to-256-then-crop test pipelines).</summary>
    Short,

    /// <summary>"long": the longer side.</summary>
    Long,

    /// <summary>"width": the width, whatever the orientation.</summary>
    Width,

    /// <summary>"height": the height, whatever the orientation.</summary>
    Height,
}
