using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class ComponentBaseAnalyzerTests
{
    private readonly ComponentBaseAnalyzer analyzer = new();

    [Fact]
    public void ClassWithoutAKindBaseIsReportedAtItsName()
    {
        var diagnostic = MarkedSource.AssertSingle(ComponentBaseAnalyzer.DiagnosticId, Sources.Header + """
            [RegisterModel]
            public sealed class [|Helper|]
            {
            }
            """, analyzer);
        Assert.Contains("derive it from Backbone, Neck, Head, Loss", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void TorchSharpModuleThatIsNoKindIsReported() =>
        MarkedSource.AssertSingle(ComponentBaseAnalyzer.DiagnosticId, Sources.Header + """
            [RegisterModel]
            public sealed class [|Block|] : TorchSharp.torch.nn.Module<Tensor, Tensor>
            {
                public Block() : base("Block") { }

                public override Tensor forward(Tensor input) => input;
            }
            """, analyzer);

    [Fact]
    public void ComponentsOfBuiltInAndPluginKindsAreFine() =>
        MarkedSource.AssertNone(Sources.Header + $$"""
            [ComponentKind("sampler")]
            public abstract class Sampler
            {
            }

            public abstract class WeightedSampler : Sampler
            {
            }

            [RegisterModel]
            public sealed class Uniform : WeightedSampler
            {
            }

            [RegisterModel]
            public sealed class Identity : Neck
            {
                public Identity() : base("Identity") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);
}
