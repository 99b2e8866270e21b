using System.Reflection;
using System.Text.Json;
using ImageClassifier.Generators.Tests.TestHelpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Generators.Tests;

/// <summary>
/// The seed's four examples written as a plugin author would (<c>SeedExamples/*.cs</c>), compiled
/// with the generator, loaded, and used through their generated configs and provider.
/// </summary>
public sealed class SeedExamplesTests
{
    private static Assembly Seed => SeedCompilation.Assembly;

    [Fact]
    public void GeneratedConfigsCompileWithoutDiagnosticsEvenWhenDocsAreChecked()
    {
        // Diagnose mode reports what a project with GenerateDocumentationFile sees (CS1591, bad crefs).
        var options = CompilationFactory.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var run = GeneratorHarness.Run(SeedCompilation.Create(options));
        var generated = run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees).ToHashSet();
        Assert.NotEmpty(generated);
        var problems = run.Output.GetDiagnostics()
            .Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning && generated.Contains(diagnostic.Location.SourceTree!))
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void ConfigMembersAreTheConstructorParameters()
    {
        var compilation = SeedCompilation.Run.Output;
        string[] Members(string config) =>
        [
            .. compilation.GetTypeByMetadataName(config)!.GetMembers().OfType<IPropertySymbol>()
                .Where(property => property is { IsStatic: false, DeclaredAccessibility: Accessibility.Public, SetMethod: not null })
                .Select(property => property.Name),
        ];
        string[] Parameters(string component, int skip = 0) =>
        [
            .. compilation.GetTypeByMetadataName(component)!.InstanceConstructors
                .Single(constructor => constructor.DeclaredAccessibility == Accessibility.Public).Parameters
                .Skip(skip)
                .Select(parameter => char.ToUpperInvariant(parameter.Name[0]) + parameter.Name[1..]),
        ];

        string[] resNet =
        [
            "Depth", "InChannels", "StemChannels", "BaseChannels", "NumStages", "Strides", "Dilations", "OutIndices",
            "Style", "DeepStem", "AvgDown", "FrozenStages", "NormEval", "ZeroInitResidual", "DropPathRate",
        ];
        Assert.Equal(resNet, Parameters("Seed.Backbones.ResNet"));
        Assert.Equal(resNet, Members("Seed.Backbones.ResNetConfig"));
        Assert.Empty(Members("Seed.Backbones.ResNetCifarConfig"));
        Assert.Equal("Seed.Backbones.ResNetConfig", compilation.GetTypeByMetadataName("Seed.Backbones.ResNetCifarConfig")!.BaseType!.ToDisplayString());
        Assert.Empty(Members("Seed.Necks.GlobalAveragePoolingConfig"));
        Assert.Equal(["Loss", "Topk", "CalAcc"], Members("Seed.Heads.ClsHeadConfig"));
        Assert.Equal(Parameters("Seed.Heads.VisionTransformerClsHead", skip: 1), Members("Seed.Heads.VisionTransformerClsHeadConfig"));
        Assert.Equal(["Reduction", "LossWeight"], Members("Seed.Losses.L1LossConfig"));

        // Through reflection the derived config has every ResNet member, inherited.
        var cifarConfig = Seed.GetType("Seed.Backbones.ResNetCifarConfig")!;
        Assert.Equal(resNet.Order(), cifarConfig.GetProperties().Where(property => property.CanWrite).Select(property => property.Name).Order());
    }

    [Theory]
    [InlineData(null, null, null, new[] { 1.3333f })]
    [InlineData(new[] { 1f, 0f, 1f }, null, null, new[] { 1f })]
    [InlineData(null, null, Reduction.None, new[] { 1f, 1f, 2f })]
    [InlineData(new[] { 1f, 0f, 1f }, 2.0, null, new[] { 1.5f })]
    [InlineData(null, null, Reduction.Sum, new[] { 4f })]
    public void L1LossBuiltFromItsConfigMatchesMmpretrain(float[]? weight, double? avgFactor, Reduction? reductionOverride, float[] expected)
    {
        var config = NewConfig<ComponentConfig<Loss>>("Seed.Losses.L1LossConfig");
        using var loss = config.Build();
        using var pred = tensor(new[] { 0f, 2f, 3f });
        using var target = tensor(new[] { 1f, 1f, 1f });
        using var weights = weight is null ? null : tensor(weight);
        using var result = loss.Forward(pred, target, weights, avgFactor, reductionOverride);
        var actual = result.dim() == 0 ? [result.item<float>()] : result.data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var index = 0; index < expected.Length; index++)
        {
            Assert.Equal(expected[index], actual[index], 4);
        }
    }

    [Fact]
    public void L1LossAppliesLossWeightAndRejectsAnUnknownReductionOverride()
    {
        dynamic config = NewConfig<ComponentConfig<Loss>>("Seed.Losses.L1LossConfig");
        config.LossWeight = 2.0;
        config.Reduction = Reduction.Sum;
        using Loss loss = config.Build();
        using var pred = tensor(new[] { 0f, 2f, 3f });
        using var target = tensor(new[] { 1f, 1f, 1f });
        Assert.Equal(8f, loss.Forward(pred, target).item<float>(), 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(pred, target, reductionOverride: (Reduction)7));
        Assert.Throws<ArgumentException>(() => loss.Forward(pred, tensor(new[] { 1f, 1f })));
    }

    [Fact]
    public void ResNetCifarRejectsDeepStem()
    {
        dynamic config = NewConfig<ComponentConfig<Backbone>>("Seed.Backbones.ResNetCifarConfig");
        config.Depth = 18;
        config.DeepStem = true;
        var error = Assert.Throws<ConfigValueException>(() => (object)config.Build());
        Assert.Equal("deep_stem", error.Member);
        Assert.Equal("deep_stem must be false for ResNet_CIFAR, whose stem is a single 3x3 conv, but got true.", error.Message);
    }

    [Fact]
    public void ConstrainedMemberRejectsAValueOutsideItsConstraint()
    {
        dynamic config = NewConfig<ComponentConfig<Backbone>>("Seed.Backbones.ResNetConfig");
        var error = Assert.Throws<ConfigValueException>(() => config.Depth = 19);
        Assert.Equal("depth", error.Member);
        Assert.Equal("depth must be one of 18, 34, 50, 101, 152, but got 19.", error.Message);

        var item = Assert.Throws<ConfigValueException>(() => config.OutIndices = new[] { 1, 4 });
        Assert.Equal("out_indices[1]", item.Member);
    }

    [Fact]
    public void ResNetCifarBuildsAndKeepsMmpretrainStateDictKeys()
    {
        dynamic config = NewConfig<ComponentConfig<Backbone>>("Seed.Backbones.ResNetCifarConfig");
        config.Depth = 18;
        config.OutIndices = new[] { 2, 3 };
        using Backbone backbone = config.Build();
        Assert.Equal("ResNetCifar", backbone.GetType().Name);

        var keys = backbone.state_dict().Keys.ToHashSet();
        Assert.Contains("conv1.weight", keys);
        Assert.Contains("bn1.running_mean", keys);
        Assert.Contains("layer1.0.conv1.weight", keys);
        Assert.Contains("layer2.0.downsample.0.weight", keys);
        Assert.Contains("layer4.1.bn2.weight", keys);
        Assert.Equal(3 * 64 * 3 * 3, backbone.state_dict()["conv1.weight"].numel());

        backbone.eval();
        using var images = randn(2, 3, 32, 32);
        var outputs = backbone.call(images);
        Assert.Equal([[2L, 256, 8, 8], [2L, 512, 4, 4]], outputs.Select(output => output.shape));
    }

    [Fact]
    public void HeadsAndNeckBuildFromConfigs()
    {
        dynamic neckConfig = NewConfig<ComponentConfig<Neck>>("Seed.Necks.GlobalAveragePoolingConfig");
        using Neck neck = neckConfig.Build();
        dynamic headConfig = NewConfig<ComponentConfig<Head>>("Seed.Heads.VisionTransformerClsHeadConfig");
        headConfig.NumClasses = 10;
        headConfig.InChannels = 16;
        headConfig.HiddenDim = 8;
        headConfig.Loss = NewConfig<ComponentConfig<Loss>>("Seed.Losses.L1LossConfig");
        headConfig.CalAcc = true;
        using Head head = headConfig.Build();

        Assert.Equal(
            ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"],
            head.state_dict().Keys.Order(StringComparer.Ordinal));

        using var maps = randn(4, 16, 7, 7);
        var pooled = neck.call([maps]);
        Assert.Equal([4L, 16], pooled[0].shape);
        Assert.Equal([4L, 10], head.call(pooled).shape);

        using var tokens = randn(4, 5, 16);
        var prediction = head.Predict([tokens]);
        Assert.Equal([4L, 10], prediction.Scores.shape);
        Assert.Equal([4L], prediction.Labels.shape);

        var losses = head.Loss(pooled, nn.functional.one_hot(tensor(new long[] { 1, 2, 3, 4 }), 10).to_type(ScalarType.Float32));
        Assert.True(losses["loss"].item<float>() > 0);
    }

    [Fact]
    public void ProviderListsEveryComponentWithItsDescriptor()
    {
        var attribute = Seed.GetCustomAttribute<ComponentProviderAttribute>();
        Assert.NotNull(attribute);
        var provider = (IComponentProvider)Activator.CreateInstance(attribute.ProviderType)!;
        var components = provider.Components.ToDictionary(component => component.Name);
        Assert.Equal(
            ["ClsHead", "GlobalAveragePooling", "L1Loss", "ResNet", "ResNet_CIFAR", "VisionTransformerClsHead"],
            components.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("backbone", components["ResNet_CIFAR"].Kind);
        Assert.Equal(typeof(Backbone), components["ResNet_CIFAR"].KindType);
        Assert.Equal("neck", components["GlobalAveragePooling"].Kind);
        Assert.Equal("head", components["VisionTransformerClsHead"].Kind);
        Assert.Equal("loss", components["L1Loss"].Kind);
        Assert.Equal("ResNet", components["ResNet_CIFAR"].BaseName);
        Assert.Equal("ResNetCifarConfig", components["ResNet_CIFAR"].ConfigType.Name);
        Assert.StartsWith("ResNet for CIFAR's 32x32 images", components["ResNet_CIFAR"].Summary);

        var resNet = components["ResNet"].Parameters.ToDictionary(parameter => parameter.JsonName);
        Assert.Equal(15, resNet.Count);
        Assert.True(resNet["depth"].Required);
        Assert.Null(resNet["depth"].DefaultJson);
        Assert.Equal("Network depth: 18, 34, 50, 101 or 152.", resNet["depth"].Doc);
        Assert.Equal("one of 18, 34, 50, 101, 152", Assert.Single(resNet["depth"].Constraints).Expectation);
        Assert.Equal("[3]", resNet["out_indices"].DefaultJson);
        Assert.Equal("int[]", resNet["out_indices"].TypeDisplay);
        Assert.Equal(typeof(int[]), resNet["out_indices"].Type);
        Assert.Equal("\"pytorch\"", resNet["style"].DefaultJson);
        Assert.Equal("0.0", resNet["drop_path_rate"].DefaultJson);
        Assert.Equal("-1", resNet["frozen_stages"].DefaultJson);
        Assert.All(resNet.Values, parameter => Assert.Null(parameter.DeclaredBy));

        var cifar = components["ResNet_CIFAR"].Parameters;
        Assert.Equal(resNet.Keys, cifar.Select(parameter => parameter.JsonName));
        Assert.All(cifar, parameter => Assert.Equal("ResNet", parameter.DeclaredBy));

        var vit = components["VisionTransformerClsHead"].Parameters;
        Assert.Equal(["loss", "topk", "cal_acc", "num_classes", "in_channels", "hidden_dim"], vit.Select(parameter => parameter.JsonName));
        Assert.Equal(["ClsHead", "ClsHead", "ClsHead", null, null, null], vit.Select(parameter => parameter.DeclaredBy));
        Assert.Equal("loss", vit[0].ComponentKind);
        Assert.Equal("loss config", vit[0].TypeDisplay);
        Assert.Equal(typeof(ComponentConfig<Loss>), vit[0].Type);
        Assert.Equal("null", vit[0].DefaultJson);

        var l1 = components["L1Loss"].Parameters;
        Assert.Equal(["\"mean\"", "1.0"], l1.Select(parameter => parameter.DefaultJson));
        Assert.Equal(["Reduction", "double"], l1.Select(parameter => parameter.TypeDisplay));
    }

    [Fact]
    public void ConfigsHaveValueEqualityOverTheirRuntimeType()
    {
        dynamic first = NewConfig<ComponentConfig<Backbone>>("Seed.Backbones.ResNetConfig");
        dynamic second = NewConfig<ComponentConfig<Backbone>>("Seed.Backbones.ResNetConfig");
        dynamic cifar = NewConfig<ComponentConfig<Backbone>>("Seed.Backbones.ResNetCifarConfig");
        first.Depth = second.Depth = cifar.Depth = 50;
        first.OutIndices = new[] { 1, 2 };
        second.OutIndices = new[] { 1, 2 };
        cifar.OutIndices = new[] { 1, 2 };
        Assert.True(first.Equals(second));
        Assert.Equal((int)first.GetHashCode(), (int)second.GetHashCode());
        Assert.False(first.Equals(cifar));
        Assert.False(cifar.Equals(first));
        second.OutIndices = new[] { 1, 3 };
        Assert.False(first.Equals(second));
    }

    [Fact]
    public void ConfigsRoundTripThroughJsonWithSnakeCaseNames()
    {
        var configType = Seed.GetType("Seed.Losses.L1LossConfig")!;
        var config = JsonSerializer.Deserialize("""{ "reduction": "sum", "loss_weight": 0.5 }""", configType)!;
        Assert.Equal("""{"reduction":"sum","loss_weight":0.5}""", JsonSerializer.Serialize(config, configType));
        Assert.Throws<ConfigValueException>(() => JsonSerializer.Deserialize("""{ "loss_weight": -1 }""", configType));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{ "reduction": 2 }""", configType));

        var resNetConfig = Seed.GetType("Seed.Backbones.ResNetConfig")!;
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{ "in_channels": 1 }""", resNetConfig));
        dynamic resNet = JsonSerializer.Deserialize("""{ "depth": 50, "out_indices": [0, 3] }""", resNetConfig)!;
        Assert.Equal(new[] { 0, 3 }, (int[])resNet.OutIndices);
        Assert.Equal("pytorch", (string)resNet.Style);
    }

    private static T NewConfig<T>(string typeName)
        where T : class =>
        (T)Activator.CreateInstance(Seed.GetType(typeName, throwOnError: true)!)!;
}
