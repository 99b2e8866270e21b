using ImageClassifier;
using static TorchSharp.torch;

namespace Binding.TestComponents.Networks;

/// <summary>Backbone, optional neck, head: images (N, C, H, W) in, class scores (N, num_classes) out.</summary>
[RegisterModel]
public sealed class ToyClassifier : Network
{
    // mmpretrain's attribute names, so that the state-dict keys read backbone.*, neck.*, head.*.
    private readonly Backbone backbone;
    private readonly Neck? neck;
    private readonly Head head;

    /// <param name="backbone">Extracts the feature maps.</param>
    /// <param name="head">Scores the classes.</param>
    /// <param name="neck">Turns the feature maps into features; the head reads the maps when absent.</param>
    public ToyClassifier(Backbone backbone, Head head, Neck? neck = null)
        : base(nameof(ToyClassifier))
    {
        this.backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
        this.neck = neck;
        this.head = head ?? throw new ArgumentNullException(nameof(head));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var features = backbone.call(input);
        if (neck is not null)
        {
            features = neck.call(features);
        }

        return head.call(features).MoveToOuterDisposeScope();
    }
}
