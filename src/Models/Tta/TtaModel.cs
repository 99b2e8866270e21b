using static TorchSharp.torch;

namespace ImageClassifier.Models.Tta;

/// <summary>
/// How test-time augmentation merges a sample's views: mmengine's <c>BaseTTAModel</c>, named by a
/// config's <c>tta_model</c> (<c>{"type": "AverageClsScoreTTA"}</c>) and used by
/// <c>icls test --tta</c>. The model scores each view of a batch (the views of
/// <c>tta_pipeline</c>), and <see cref="MergeScores"/> makes one score per sample from them.
/// </summary>
[ComponentKind("tta_model")]
public abstract class TtaModel
{
    /// <summary>Merges the class scores of each view, (N, C) each and in view order, into one (N, C).</summary>
    public abstract Tensor MergeScores(IReadOnlyList<Tensor> viewScores);
}
