using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class ParameterNameAnalyzerTests
{
    private readonly ParameterNameAnalyzer analyzer = new();

    [Theory]
    [InlineData("int [|type|]", "type")]
    [InlineData("string [|typeName|]", "TypeName")]
    [InlineData("bool [|build|]", "Build")]
    [InlineData("int [|descriptor|]", "Descriptor")]
    [InlineData("int [|getHashCode|]", "GetHashCode")]
    [InlineData("int [|_base_|]", "_base_")]
    [InlineData("int [|poolConfig|]", "PoolConfig")]
    public void ReservedNameIsReportedAtTheParameter(string parameter, string reserved)
    {
        var diagnostic = MarkedSource.AssertSingle(ParameterNameAnalyzer.ReservedNameDiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            public sealed class Pool : Neck
            {
                public Pool(int size, {{parameter}}) : base("Pool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);
        Assert.EndsWith($"maps to the reserved config name '{reserved}'; rename the parameter", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoParametersWithOneJsonNameAreReportedAtTheSecond()
    {
        var diagnostic = MarkedSource.AssertSingle(ParameterNameAnalyzer.DuplicateNameDiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            public sealed class Pool : Neck
            {
                public Pool(int outIndices, int [|out_indices|]) : base("Pool") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);
        Assert.StartsWith("Parameters 'outIndices' and 'out_indices' of component 'Pool' both map to the config name 'out_indices';", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void OwnParameterTakingAnInheritedNameIsReported()
    {
        var diagnostic = MarkedSource.AssertSingle(ParameterNameAnalyzer.DuplicateNameDiagnosticId, Sources.Header + Sources.TinyBackbone + """
            [RegisterModel("Tiny_Deep")]
            public sealed class TinyDeep : Tiny
            {
                public TinyDeep(TinyConfig config, int [|depth|] = 2) : base(config) { }
            }
            """, analyzer);
        Assert.StartsWith("Parameters 'TinyConfig.Depth' and 'depth' of component 'TinyDeep'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void DistinctNamesAreFine() =>
        MarkedSource.AssertNone(Sources.Header + Sources.TinyBackbone + $$"""
            [RegisterModel]
            public sealed class Pool : Neck
            {
                public Pool(int outIndices, int inChannels, string typeHint = "", bool toRGB = false) : base("Pool") { }

                {{Sources.NeckForward}}
            }

            [RegisterModel("Tiny_Deep")]
            public sealed class TinyDeep : Tiny
            {
                public TinyDeep(TinyConfig config, int extraDepth = 2) : base(config) { }
            }
            """, analyzer);
}
