using static TorchSharp.torch;

namespace ImageClassifier.Tests;

public class TorchSharpSmokeTests
{
    // Proves the native libtorch loads from the build output on this system (on Debian 12 only
    // after the GLIBCXX weak-version patch of build/TorchSharpNative.targets).
    [Fact]
    public void MatrixProductRunsInLibtorch()
    {
        using var left = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var right = tensor(new float[] { 5, 6, 7, 8 }, 2, 2);
        using var product = left.matmul(right);

        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
    }
}
