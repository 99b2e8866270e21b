using System.Text.Json.Nodes;
using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Heads;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Losses;
using ImageClassifier.Models.Tests.TestHelpers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Heads;

public sealed class LinearClsHeadTests
{
    public static TheoryData<string> ZooCases => ZooFixtures.NamesData();

    [Theory]
    [MemberData(nameof(ZooCases))]
    public void ReproducesThePyTorchLogitsFromThePooledFeatures(string name)
    {
        var zooCase = ZooFixtures.Case(name);
        var config = JsonObject.Create(zooCase.HeadConfig)!;
        Assert.Equal("LinearClsHead", config["type"]!.GetValue<string>());
        Assert.Equal("CrossEntropyLoss", config["loss"]!["type"]!.GetValue<string>());
        using var head = new LinearClsHeadConfig
        {
            NumClasses = config["num_classes"]!.GetValue<int>(),
            InChannels = config["in_channels"]!.GetValue<int>(),
            Loss = new CrossEntropyLossConfig { LossWeight = config["loss"]!["loss_weight"]!.GetValue<double>() },
        }.Build();
        using var scope = NewDisposeScope();

        var weights = StateDictLoader.SelectStateDict(TorchCheckpointReader.Read(zooCase.StateDictPath), "head");
        var report = StateDictLoader.Load(head, weights, strict: true);
        Assert.Equal(2, report.LoadedCount);

        var io = TorchCheckpointReader.ReadDictionary(zooCase.IoPath);
        var neck = ((List<object?>)io["neck"]!).Cast<Tensor>().ToList();
        var expected = (Tensor)io["logits"]!;
        head.eval();
        using var noGrad = no_grad();
        var logits = head.call(neck);

        Assert.Equal(expected.shape, logits.shape);
        var error = (logits - expected).abs().max().item<float>();
        Assert.True(logits.allclose(expected, rtol: 1e-4, atol: 1e-5), $"{name}: max |difference| {error}");
    }

    [Fact]
    public void HasMmpretrainsStateDictKeys()
    {
        using var head = Build(numClasses: 10, inChannels: 32);

        var state = head.state_dict();

        Assert.Equal(["fc.weight", "fc.bias"], state.Keys);
        Assert.Equal([10L, 32L], state["fc.weight"].shape);
        Assert.Equal([10L], state["fc.bias"].shape);
        Assert.Equal(10, head.NumClasses);
        Assert.Equal(32, head.InChannels);
        Assert.Equal(["num_classes", "in_channels"], LinearClsHeadConfig.Descriptor.Parameters.Select(parameter => parameter.JsonName).TakeLast(2));
    }

    [Fact]
    public void DefaultsToMmpretrainsNormalInitialisation()
    {
        using var head = Build(numClasses: 200, inChannels: 256);

        var initializer = Assert.IsType<NormalInit>(Assert.Single(head.InitCfg));
        Assert.Equal(0.01, initializer.Std);
        Assert.Equal(["Linear"], initializer.Layer);

        WeightInitialization.Initialize(head);
        var state = head.state_dict();
        Assert.Equal(0.01, state["fc.weight"].std().item<float>(), 0.0005);
        Assert.Equal(0f, state["fc.bias"].abs().max().item<float>());
    }

    [Fact]
    public void AGivenInitCfgReplacesTheDefault()
    {
        using var head = new LinearClsHeadConfig
        {
            NumClasses = 3,
            InChannels = 4,
            InitCfg = [new ConstantInitConfig { Val = 0.5, Bias = 0.25, Layer = ["Linear"] }],
        }.Build();

        Assert.IsType<ConstantInit>(Assert.Single(head.InitCfg));
        WeightInitialization.Initialize(head);
        Assert.True(head.state_dict()["fc.weight"].eq(0.5).all().item<bool>());
        Assert.True(head.state_dict()["fc.bias"].eq(0.25).all().item<bool>());
    }

    [Fact]
    public void ScoresTheLastFeatureOnly()
    {
        using var head = Build(numClasses: 3, inChannels: 4);
        using var shallow = ones(2, 8);
        using var last = ones(2, 4);

        using var scores = head.call([shallow, last]);

        Assert.Equal([2L, 3L], scores.shape);
        Assert.True(head.PreLogits([shallow, last]).eq(last).all().item<bool>());
    }

    [Fact]
    public void ResetClassifierKeepsTheWidthAndStartsFresh()
    {
        using var head = new LinearClsHeadConfig { NumClasses = 10, InChannels = 64, CalAcc = true, Topk = [1] }.Build();
        using (no_grad())
        {
            head.state_dict()["fc.weight"].fill_(1);
        }

        head.ResetClassifier(300);

        var state = head.state_dict();
        Assert.Equal(["fc.weight", "fc.bias"], state.Keys);
        Assert.Equal([300L, 64L], state["fc.weight"].shape);
        Assert.Equal(300, head.NumClasses);
        Assert.Equal(0.01, state["fc.weight"].std().item<float>(), 0.001);
        Assert.Equal(0f, state["fc.bias"].abs().max().item<float>());
        Assert.Equal(2, head.parameters().Count());

        using var features = randn(5, 64);
        using var target = tensor(new long[] { 0, 299, 5, 7, 100 });
        Assert.Equal([5L, 300L], head.call([features]).shape);
        var losses = head.Loss([features], target);
        losses["loss"].backward();
        Assert.NotNull(head.parameters().First().grad);
    }

    [Fact]
    public void ResetClassifierUsesTheGivenInitCfg()
    {
        using var head = new LinearClsHeadConfig
        {
            NumClasses = 3,
            InChannels = 4,
            InitCfg = [new ConstantInitConfig { Val = 0.5, Layer = ["Linear"] }],
        }.Build();

        head.ResetClassifier(6);

        Assert.True(head.state_dict()["fc.weight"].eq(0.5).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => head.ResetClassifier(0));
    }

    [Fact]
    public void RefusesNoClasses()
    {
        // Not a constant: the analyzer would refuse that at compile time.
        var none = 0;

        var error = Assert.Throws<ConfigValueException>(() => new LinearClsHeadConfig { NumClasses = none, InChannels = 4 });

        Assert.Equal("num_classes must be >= 1, but got 0.", error.Message);
    }

    private static LinearClsHead Build(int numClasses, int inChannels) =>
        new LinearClsHeadConfig { NumClasses = numClasses, InChannels = inChannels }.Build();
}
