using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class TemporaryScalarAnalyzerTests
{
    private const string Header = """
        using TorchSharp;
        using static TorchSharp.torch;

        public static class Code
        {
            private static readonly Scalar Half = 0.5;

        """;

    private readonly TemporaryScalarAnalyzer analyzer = new();

    [Theory]
    [InlineData("public static Tensor F(Tensor x) => x.mul([|0.5|]);", "'0.5' becomes a temporary TorchSharp Scalar")]
    [InlineData("public static Tensor F(Tensor x, double w) => x.add_(x, alpha: [|w|]);", "'w' becomes a temporary TorchSharp Scalar")]
    [InlineData("public static Tensor F(Tensor x) => x.clamp(min: [|1e-6.ToScalar()|]);", "makes a Scalar that is used once and never disposed")]
    [InlineData("public static Tensor F(Tensor x) => [|x * 2.0|];", "a Tensor operator with a Double operand")]
    [InlineData("public static Tensor F(Tensor x) => x > [|0|];", "'0' becomes a temporary TorchSharp Scalar")]
    [InlineData("public static Tensor F(Tensor x, Tensor y) => [|x + y|];", "the Tensor operator + calls add with a temporary alpha Scalar")]
    [InlineData("public static Tensor F(Tensor x, Tensor y) => [|x.add_(y)|];", "Tensor.add_(Tensor) makes a temporary Scalar inside")]
    [InlineData("public static Tensor F(Tensor x, Tensor y) => [|torch.add(x, y)|];", "torch.add(Tensor,Tensor) makes a temporary Scalar inside")]
    [InlineData("public static Tensor F(Tensor x) => [|x.softplus(1.0, 20.0)|];", "Tensor.softplus(Double,Double) makes a temporary Scalar inside")]
    [InlineData("public static double F(Tensor x) => [|x.ToDouble()|];", "ToDouble() reads the tensor through a temporary Scalar")]
    [InlineData("public static double F(Tensor x) => [|(double)x|];", "casting a tensor to Double reads it through a temporary Scalar")]
    [InlineData("public static Tensor F(Tensor x) => [|nn.functional.leaky_relu(x, 0.2)|];", "functional.leaky_relu turns its numbers into temporary Scalars")]
    [InlineData("public static object F() => [|nn.BatchNorm2d(8)|];", "nn.BatchNorm2d makes temporary Scalars in every forward")]
    [InlineData("public static object F(Tensor p) => [|optim.SGD(new[] { new TorchSharp.Modules.Parameter(p) }, 0.1)|];", "optim.SGD makes temporary Scalars in every step")]
    [InlineData("public static object F(Tensor p) => [|optim.RMSProp(new[] { new TorchSharp.Modules.Parameter(p) })|];", "optim.RMSProp makes temporary Scalars in every step")]
    public void Temporary_scalars_are_reported_where_they_are_made(string member, string message)
    {
        var diagnostic = MarkedSource.AssertSingle(TemporaryScalarAnalyzer.DiagnosticId, Header + member + "\n}\n", analyzer);
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
    }

    [Theory]
    [InlineData("public static Tensor F(Tensor x) => x.mul(Half);")]
    [InlineData("public static Tensor F(Tensor x) => x * Half;")]
    [InlineData("public static Tensor F(Tensor x, Tensor y) => x.add(y, ImageClassifier.ScalarConstants.One);")]
    [InlineData("public static Tensor F(Tensor x, double w) { using var scale = w.ToScalar(); return x.mul(scale); }")]
    [InlineData("public static Scalar F(double w) => w.ToScalar();")]
    [InlineData("public static Tensor F(Tensor x, Tensor y) => x - y;")]
    [InlineData("public static Tensor F(Tensor x, Tensor y) => x * y;")]
    [InlineData("public static float F(Tensor x) => x.item<float>();")]
    [InlineData("public static Tensor F(Tensor x) => nn.functional.dropout(x, 0.1);")]
    public void Kept_scalars_and_native_numbers_are_not_reported(string member) =>
        MarkedSource.AssertNone(Header + member + "\n}\n", analyzer);
}
