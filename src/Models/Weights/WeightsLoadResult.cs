using System.Text;
using ImageClassifier.Models.Checkpoints;

namespace ImageClassifier.Models.Weights;

/// <summary>What <see cref="ModelWeights.Load(TorchSharp.torch.nn.Module, string, string?, bool, bool)"/> did.</summary>
/// <param name="Report">Loaded count and the missing, unexpected and mis-shaped keys; the adapted head keys are in none of them.</param>
/// <param name="HeadAdaptations">The classifier layers whose checkpoint tensors were skipped for another class count.</param>
public sealed record WeightsLoadResult(StateDictLoadReport Report, IReadOnlyList<HeadAdaptation> HeadAdaptations)
{
    /// <summary>One line per head adaptation, for the user to read.</summary>
    public IReadOnlyList<string> Notices => [.. HeadAdaptations.Select(adaptation => adaptation.ToString())];

    /// <summary>The notices, then the load report.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var notice in Notices)
        {
            text.AppendLine(notice);
        }

        text.Append(Report.Describe());
        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Describe();
}
