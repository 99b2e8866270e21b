using System.Text.Json;

namespace ImageClassifier.Generators.Tests;

public sealed class NamingTests
{
    [Theory]
    [InlineData("outIndices", "out_indices")]
    [InlineData("toRGB", "to_rgb")]
    [InlineData("numClasses", "num_classes")]
    [InlineData("toRGBValue", "to_rgb_value")]
    [InlineData("depth", "depth")]
    [InlineData("Depth", "depth")]
    [InlineData("conv2d", "conv2d")]
    [InlineData("layer2Name", "layer2_name")]
    [InlineData("IPv4Address", "i_pv4_address")]
    [InlineData("out_indices", "out_indices")]
    [InlineData("_private", "_private")]
    [InlineData("ABC", "abc")]
    [InlineData("x86", "x86")]
    [InlineData("a1B2c3", "a1_b2c3")]
    public void SnakeCaseIsSystemTextJsonsSnakeCaseLower(string name, string expected)
    {
        Assert.Equal(expected, Naming.ToSnakeCase(name));
        Assert.Equal(JsonNamingPolicy.SnakeCaseLower.ConvertName(name), Naming.ToSnakeCase(name));
    }

    [Theory]
    [InlineData("outIndices", "OutIndices")]
    [InlineData("toRGB", "ToRGB")]
    [InlineData("Depth", "Depth")]
    [InlineData("_x", "_x")]
    public void PascalCaseUpperCasesTheFirstLetter(string name, string expected) =>
        Assert.Equal(expected, Naming.ToPascalCase(name));

    [Theory]
    [InlineData("ResNet", true)]
    [InlineData("ResNet_CIFAR", true)]
    [InlineData("resnet50.a1-in1k", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("1ResNet", false)]
    [InlineData("_ResNet", false)]
    [InlineData("Res Net", false)]
    [InlineData("Res/Net", false)]
    [InlineData("Résumé", false)]
    public void RegistryNamesAreLettersDigitsAndSeparatorsStartingWithALetter(string? name, bool valid) =>
        Assert.Equal(valid, Naming.IsValidRegistryName(name));

    [Theory]
    [InlineData("ImageClassifier.Models", "ImageClassifier_Models")]
    [InlineData("My-Plugin", "My_Plugin")]
    [InlineData("3D", "_3D")]
    public void AssemblyNamesBecomeIdentifiers(string name, string expected) =>
        Assert.Equal(expected, Naming.ToIdentifier(name));
}
