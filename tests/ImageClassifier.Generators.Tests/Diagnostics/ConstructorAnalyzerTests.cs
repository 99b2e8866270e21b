using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class ConstructorAnalyzerTests
{
    private readonly ConstructorAnalyzer analyzer = new();

    [Fact]
    public void ComponentWithoutPublicConstructorIsReportedAtItsName() =>
        MarkedSource.AssertSingle(ConstructorAnalyzer.NoConstructorDiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            public sealed class [|Pool|] : Neck
            {
                internal Pool() : base("Pool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);

    [Fact]
    public void SeveralPublicConstructorsWithoutAMarkAreReported()
    {
        var diagnostic = MarkedSource.AssertSingle(ConstructorAnalyzer.AmbiguousConstructorDiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            public sealed class [|Pool|] : Neck
            {
                public Pool() : this(2) { }

                public Pool(int size) : base("Pool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);
        Assert.StartsWith("Component 'Pool' has 2 public constructors;", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoMarkedConstructorsAreStillAmbiguous() =>
        MarkedSource.AssertSingle(ConstructorAnalyzer.AmbiguousConstructorDiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            public sealed class [|Pool|] : Neck
            {
                [ComponentConstructor]
                public Pool() : this(2) { }

                [ComponentConstructor]
                public Pool(int size) : base("Pool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);

    [Fact]
    public void MarkedOrSingleOrImplicitConstructorsAreFine() =>
        MarkedSource.AssertNone(Sources.Header + $$"""
            [RegisterModel]
            public sealed class Pool : Neck
            {
                public Pool() : this(2) { }

                [ComponentConstructor]
                public Pool(int size) : base("Pool") { }

                {{Sources.NeckForward}}
            }

            [ComponentKind("sampler")]
            public abstract class Sampler
            {
            }

            [RegisterModel]
            public sealed class Uniform : Sampler
            {
            }
            """, analyzer);
}
