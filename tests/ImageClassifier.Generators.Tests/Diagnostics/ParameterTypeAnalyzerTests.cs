using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class ParameterTypeAnalyzerTests
{
    private readonly ParameterTypeAnalyzer analyzer = new();

    [Theory]
    [InlineData("List<int> [|sizes|]", "List<int>")]
    [InlineData("Tensor [|mean|]", "Tensor")]
    [InlineData("object [|anything|]", "object")]
    [InlineData("char [|separator|]", "char")]
    [InlineData("int[][] [|grid|]", "int[][]")]
    [InlineData("int[,] [|grid|]", "int[,]")]
    [InlineData("ref int [|size|]", "ref int")]
    [InlineData("Identity [|inner|]", "Identity")]
    [InlineData("ComponentConfig<Loss>[] [|losses|]", "ComponentConfig<Loss>[]")]
    public void UnsupportedParameterTypeIsReportedAtTheParameter(string parameter, string typeDisplay)
    {
        var diagnostic = MarkedSource.AssertSingle(ParameterTypeAnalyzer.DiagnosticId, Sources.Header + $$"""
            [RegisterModel]
            public sealed class Pool : Neck
            {
                public Pool(int size, {{parameter}}) : base("Pool") { }

                {{Sources.NeckForward}}
            }

            [RegisterModel]
            public sealed class Identity : Neck
            {
                public Identity() : base("Identity") { }

                {{Sources.NeckForward}}
            }
            """, analyzer);
        var name = parameter[(parameter.IndexOf("[|", StringComparison.Ordinal) + 2)..parameter.IndexOf("|]", StringComparison.Ordinal)];
        Assert.StartsWith($"Parameter '{name}' of component 'Pool' has type '{typeDisplay}',", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void EverySupportedTypeIsFine() =>
        MarkedSource.AssertNone(Sources.Header + $$"""
            public enum Mode { First, Second }

            [System.Text.Json.Serialization.JsonConverter(typeof(DeviationConverter))]
            public sealed class Deviation { }

            public sealed class DeviationConverter : System.Text.Json.Serialization.JsonConverter<Deviation>
            {
                public override Deviation Read(ref System.Text.Json.Utf8JsonReader reader, System.Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => new();

                public override void Write(System.Text.Json.Utf8JsonWriter writer, Deviation value, System.Text.Json.JsonSerializerOptions options) { }
            }

            [RegisterModel]
            public sealed class Pool : Neck
            {
                public Pool(
                    bool flag, sbyte a, byte b, short c, ushort d, int e, uint f, long g, ulong h, float i, double j, decimal k,
                    string text, Mode mode, Reduction? reduction, int? maybe, string? label,
                    int[] sizes, double?[]? scales, string[] names, Mode[] modes,
                    Loss loss, Loss? optionalLoss, Loss[] losses, Backbone[]? backbones,
                    ComponentConfig norm, ComponentConfig<Loss>? lossConfig, Deviation? spread)
                    : base("Pool")
                {
                }

                {{Sources.NeckForward}}
            }
            """, analyzer);
}
