using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class ParameterDefaultAnalyzerTests
{
    private readonly ParameterDefaultAnalyzer analyzer = new();

    [Fact]
    public void DefaultForAMemberTheBaseConfigLacksIsReportedAtTheName()
    {
        var diagnostic = MarkedSource.AssertSingle(ParameterDefaultAnalyzer.DiagnosticId, Sources.Header + Sources.TinyBackbone + """
            [RegisterModel("Tiny_CIFAR")]
            [ParameterDefault(nameof(TinyConfig.Depth), 18)]
            [ParameterDefault([|"Height"|], 4)]
            public sealed class TinyCifar : Tiny
            {
                public TinyCifar(TinyConfig config) : base(config) { }
            }
            """, analyzer);
        Assert.StartsWith("[ParameterDefault] on 'TinyCifar' names 'Height', which is not a member of the inherited config 'TinyConfig';", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultOnAComponentThatInheritsNoConfigIsReported() =>
        MarkedSource.AssertSingle(ParameterDefaultAnalyzer.DiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            [ParameterDefault([|"Size"|], 4)]
            public sealed class Pool : Neck
            {
                public Pool(int size = 2) : base("Pool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);

    [Fact]
    public void OwnParameterIsNoInheritedMember() =>
        MarkedSource.AssertSingle(ParameterDefaultAnalyzer.DiagnosticId, Sources.Header + Sources.TinyBackbone + """
            [RegisterModel("Tiny_Wide")]
            [ParameterDefault([|"Extra"|], 4)]
            public sealed class TinyWide : Tiny
            {
                public TinyWide(TinyConfig config, int extra = 1) : base(config) { }
            }
            """, analyzer);

    [Fact]
    public void DefaultsForInheritedMembersAreFine() =>
        MarkedSource.AssertNone(Sources.Header + Sources.TinyBackbone + """
            [RegisterModel("Tiny_CIFAR")]
            [ParameterDefault(nameof(TinyConfig.Depth), 18)]
            [ParameterDefault(nameof(TinyConfig.Width), 4)]
            public sealed class TinyCifar : Tiny
            {
                public TinyCifar(TinyConfig config) : base(config) { }
            }
            """, analyzer);
}
