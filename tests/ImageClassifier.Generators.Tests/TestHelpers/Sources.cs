namespace ImageClassifier.Generators.Tests.TestHelpers;

/// <summary>Building blocks for small analyzer test sources.</summary>
public static class Sources
{
    /// <summary>Usings and a namespace, so that a test source starts with its declarations.</summary>
    public const string Header = """
        using System.Collections.Generic;
        using ImageClassifier;
        using static TorchSharp.torch;

        namespace Plugin;

        """;

    /// <summary>The one member a <see cref="Neck"/> must implement.</summary>
    public const string NeckForward = "public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input) => input;";

    /// <summary>A valid, non-sealed backbone with a required constrained member to derive from.</summary>
    public const string TinyBackbone = """
        [RegisterModel]
        public partial class Tiny : Backbone
        {
            public Tiny([OneOf(18, 34)] int depth, int width = 8)
                : base("Tiny")
            {
            }

            public override IReadOnlyList<Tensor> forward(Tensor input) => [input];
        }

        """;
}
