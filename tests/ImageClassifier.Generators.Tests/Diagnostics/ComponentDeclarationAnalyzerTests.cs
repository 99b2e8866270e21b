using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class ComponentDeclarationAnalyzerTests
{
    private readonly ComponentDeclarationAnalyzer analyzer = new();

    [Fact]
    public void NonSealedComponentThatIsNotPartialIsReportedAtItsName()
    {
        var diagnostic = MarkedSource.AssertSingle(ComponentDeclarationAnalyzer.NotPartialDiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            public class [|Identity|] : Neck
            {
                public Identity() : base("Identity") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);
        Assert.StartsWith("Component 'Identity' must be declared partial (or sealed)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AbstractComponentIsReported() =>
        MarkedSource.AssertSingle(ComponentDeclarationAnalyzer.AbstractDiagnosticId, Sources.Header + """
            [RegisterModel]
            public abstract partial class [|PoolBase|] : Neck
            {
                protected PoolBase() : base("PoolBase") { }
            }
            """, analyzer);

    [Fact]
    public void GenericComponentIsReported() =>
        MarkedSource.AssertSingle(ComponentDeclarationAnalyzer.GenericDiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            public sealed class [|Pool|]<T> : Neck
            {
                public Pool() : base("Pool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);

    [Fact]
    public void NestedComponentIsReported() =>
        MarkedSource.AssertSingle(ComponentDeclarationAnalyzer.NestedDiagnosticId, Sources.Header + $$"""
            public static class Outer
            {
                [RegisterModel]
                public sealed class [|Inner|] : Neck
                {
                    public Inner() : base("Inner") { }

                    {{Sources.NeckForward}}
                }
            }
            """, analyzer);

    [Fact]
    public void SealedOrPartialTopLevelComponentsAreFine() =>
        MarkedSource.AssertNone(Sources.Header + $$"""
            [RegisterModel]
            public sealed class Identity : Neck
            {
                public Identity() : base("Identity") { }

                {{Sources.NeckForward}}
            }

            [RegisterModel]
            public partial class Flatten : Neck
            {
                public Flatten() : base("Flatten") { }

                {{Sources.NeckForward}}
            }

            /// <summary>Not registered: may be anything.</summary>
            public abstract class Helper<T>
            {
            }
            """, analyzer);
}
