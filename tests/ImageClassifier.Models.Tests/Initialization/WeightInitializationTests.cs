using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Initialization;

public sealed class WeightInitializationTests
{
    [Fact]
    public void OwnInitializersRunBeforeTheChildrensSoDeeperOnesWin()
    {
        using var root = new Node("root", [new ConstantInit(val: 1, layer: ["Linear"])], child: new Node("child", [new ConstantInit(val: 2, layer: ["Linear"])]));

        WeightInitialization.Initialize(root);

        Assert.True(root.Fc.weight!.eq(1).all().item<bool>());
        Assert.True(root.Child!.Fc.weight!.eq(2).all().item<bool>());
    }

    [Fact]
    public void AParentsInitializerReachesChildrenWithoutTheirOwn()
    {
        using var root = new Node("root", [new ConstantInit(val: 4, bias: 1, layer: ["Linear"])], child: new Node("child", []));

        WeightInitialization.Initialize(root);

        Assert.True(root.Child!.Fc.weight!.eq(4).all().item<bool>());
        Assert.True(root.Child.Fc.bias!.eq(1).all().item<bool>());
    }

    [Fact]
    public void EventsFollowMmenginesOrder()
    {
        var log = new List<string>();
        var (path, saved) = SavedNodes();
        using var _ = saved;
        try
        {
            using var root = new Node(
                "root",
                [new RecordingInit("root-init", log), Pretrained(path, log)],
                log,
                child: new Node("child", [new RecordingInit("child-init", log)], log, child: new Node("grandchild", [new RecordingInit("grandchild-init", log)], log)));

            WeightInitialization.Initialize(root);

            Assert.Equal(
                new[] { "root-init", "child-init", "grandchild-init", "grandchild-hook", "child-hook", "root-hook", "pretrained" },
                log);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PretrainedOverridesEveryOtherInitializerAndHook()
    {
        var (path, expected) = SavedNodes();
        using var _ = expected;
        try
        {
            using var root = new Node(
                "root",
                [new NormalInit(std: 3, layer: ["Linear"])],
                child: new Node("child", [new PretrainedInit(path, prefix: "child") { Log = TextWriter.Null }, new ConstantInit(val: 8, layer: ["Linear"])]))
            {
                // As zero_init_residual would, after the initializers.
                AfterInitialization = node => node.Child?.Fc.weight!.zero_(),
            };

            WeightInitialization.Initialize(root);

            Assert.True(root.Child!.Fc.weight!.eq(expected.Child!.Fc.weight!).all().item<bool>());
            Assert.False(root.Fc.weight!.eq(expected.Fc.weight!).all().item<bool>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheWalkGoesOnThroughPlainContainers()
    {
        using var inner = new Node("inner", [new ConstantInit(val: 6, layer: ["Linear"])]);
        using var container = nn.Sequential(("0", nn.ReLU()), ("1", inner));

        WeightInitialization.Initialize(container);

        Assert.True(inner.Fc.weight!.eq(6).all().item<bool>());
    }

    [Fact]
    public void ReinitializeRunsTheAncestorsAndOwnInitializers()
    {
        using var root = new Node("root", [new ConstantInit(val: 1, layer: ["Linear"])], child: new Node("child", []));
        WeightInitialization.Initialize(root);
        root.Child!.Fc.weight!.detach().fill_(42);

        Assert.True(WeightInitialization.Reinitialize(root, "child.fc"));
        Assert.True(root.Child.Fc.weight.eq(1).all().item<bool>());

        using var bare = new Node("bare", [new ConstantInit(val: 1, layer: ["Conv2d"])]);
        Assert.False(WeightInitialization.Reinitialize(bare, "fc"));
        Assert.Throws<ArgumentException>(() => WeightInitialization.Reinitialize(root, "child.missing"));
    }

    [Fact]
    public void DefaultInitCfgsAreMmpretrains()
    {
        var resnet = DefaultInitCfg.ResNet();
        var kaiming = Assert.IsType<KaimingInit>(resnet[0]);
        Assert.Equal(new[] { "Conv2d" }, kaiming.Layer);
        Assert.Equal(FanMode.FanOut, kaiming.Mode);
        Assert.Equal(Nonlinearity.Relu, kaiming.Nonlinearity);
        Assert.Equal(InitDistribution.Normal, kaiming.Distribution);
        var constant = Assert.IsType<ConstantInit>(resnet[1]);
        Assert.Equal(1, constant.Val);
        Assert.Equal(0, constant.Bias);
        Assert.Equal(new[] { "_BatchNorm", "GroupNorm" }, constant.Layer);
        Assert.Equal(2, resnet.Length);
        Assert.Equal(2, DefaultInitCfg.MobileNetV2().Length);

        var head = Assert.IsType<NormalInit>(Assert.Single(DefaultInitCfg.LinearClsHead()));
        Assert.Equal(0.01, head.Std);
        Assert.Equal(0, head.Mean);
        Assert.Equal(new[] { "Linear" }, head.Layer);
        Assert.NotSame(DefaultInitCfg.ResNet()[0], DefaultInitCfg.ResNet()[0]);
    }

    private static PretrainedInit Pretrained(string path, List<string> log) => new(path) { Log = new RecordingWriter("pretrained", log) };

    private static (string Path, Node Saved) SavedNodes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"init-order-{Guid.NewGuid():N}.pth");
        var nodes = new Node("root", [], child: new Node("child", [], child: new Node("grandchild", [])));
        ModelWeights.Save(nodes, path);
        return (path, nodes);
    }

    /// <summary>A module with one Linear (fc) and an optional child of its own kind.</summary>
    private sealed class Node : nn.Module<Tensor, Tensor>, IHasInitConfig
    {
        private readonly Linear fc;
        private readonly Node? child;
        private readonly List<string>? log;
        private readonly string label;

        public Node(string name, Initializer[] initCfg, List<string>? log = null, Node? child = null)
            : base(name)
        {
            label = name;
            fc = nn.Linear(4, 3);
            this.child = child;
            this.log = log;
            InitCfg = initCfg;
            RegisterComponents();
        }

        public IReadOnlyList<Initializer> InitCfg { get; }

        public Linear Fc => fc;

        public Node? Child => child;

        public Action<Node>? AfterInitialization { get; init; }

        public void OnWeightsInitialized()
        {
            log?.Add($"{label}-hook");
            AfterInitialization?.Invoke(this);
        }

        public override Tensor forward(Tensor input) => fc.call(input);
    }

    private sealed class RecordingInit(string name, List<string> log) : Initializer
    {
        public override void Apply(nn.Module module) => log.Add(name);
    }

    /// <summary>Records one entry when the first line is written.</summary>
    private sealed class RecordingWriter(string name, List<string> log) : StringWriter
    {
        private bool written;

        public override void WriteLine(string? value)
        {
            if (!written)
            {
                log.Add(name);
                written = true;
            }

            base.WriteLine(value);
        }
    }
}
