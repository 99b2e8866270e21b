using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class RegistryNameAnalyzerTests
{
    private readonly RegistryNameAnalyzer analyzer = new();

    [Fact]
    public void SecondComponentOfAKindWithTheSameNameIsReportedAtItsName()
    {
        var diagnostic = MarkedSource.AssertSingle(RegistryNameAnalyzer.DuplicateDiagnosticId, Sources.Header + $$"""
            [RegisterModel("Pool")]
            public sealed class AveragePool : Neck
            {
                public AveragePool() : base("AveragePool") { }

                {{Sources.NeckForward}}
            }

            [RegisterModel([|"Pool"|])]
            public sealed class MaxPool : Neck
            {
                public MaxPool() : base("MaxPool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);
        Assert.StartsWith("The neck name 'Pool' is registered by both 'AveragePool' and 'MaxPool' in this assembly;", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AliasClashingWithAClassNameIsReportedAtTheAlias() =>
        MarkedSource.AssertSingle(RegistryNameAnalyzer.DuplicateDiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            public sealed class Identity : Neck
            {
                public Identity() : base("Identity") { }

                {{Sources.NeckForward}}
            }

            [RegisterModel("Passthrough", Aliases = new[] { "Noop", [|"Identity"|] })]
            public sealed class Passthrough : Neck
            {
                public Passthrough() : base("Passthrough") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);

    [Fact]
    public void ImplicitNameClashIsReportedAtTheSecondAttribute() =>
        MarkedSource.AssertSingle(RegistryNameAnalyzer.DuplicateDiagnosticId, Sources.Header + $$"""
            [RegisterModel("Identity")]
            public sealed class First : Neck
            {
                public First() : base("First") { }

                {{Sources.NeckForward}}
            }

            [[|RegisterModel|]]
            public sealed class Identity : Neck
            {
                public Identity() : base("Identity") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);

    [Fact]
    public void SameNameInDifferentKindsIsFine() =>
        MarkedSource.AssertNone(Sources.Header + $$"""
            [RegisterModel("Linear", Aliases = ["Fc"])]
            public sealed class LinearNeck : Neck
            {
                public LinearNeck() : base("LinearNeck") { }

                {{Sources.NeckForward}}
            }

            [ComponentKind("sampler")]
            public abstract class Sampler
            {
            }

            [RegisterModel("Linear", Aliases = ["Fc"])]
            public sealed class LinearSampler : Sampler
            {
            }
            """, analyzer);

    [Theory]
    [InlineData("[RegisterModel([|\"1pool\"|])]", "1pool")]
    [InlineData("[RegisterModel([|\"max pool\"|])]", "max pool")]
    [InlineData("[RegisterModel(\"Pool\", Aliases = new[] { \"Ok\", [|\"bad/alias\"|] })]", "bad/alias")]
    [InlineData("[RegisterModel(\"Pool\", Aliases = [[|\"\"|]])]", "")]
    public void InvalidNameIsReportedAtItsArgument(string attribute, string name)
    {
        var diagnostic = MarkedSource.AssertSingle(RegistryNameAnalyzer.InvalidDiagnosticId, Sources.Header + $$"""
            {{attribute}}
            public sealed class Pool : Neck
            {
                public Pool() : base("Pool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);
        Assert.StartsWith($"'{name}' is not a valid registry name;", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ClassNameThatIsNoValidRegistryNameIsReportedAtTheAttribute() =>
        MarkedSource.AssertSingle(RegistryNameAnalyzer.InvalidDiagnosticId, Sources.Header + $$"""
            [[|RegisterModel|]]
            public sealed class _Pool : Neck
            {
                public _Pool() : base("Pool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);
}
