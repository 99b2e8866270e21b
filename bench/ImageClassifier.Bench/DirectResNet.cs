using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Bench;

/// <summary>
/// The baseline: ResNet-18 with the CIFAR stem (3x3 stride-1 conv, no max pooling) written directly
/// in TorchSharp, with the same normalisation in front as the engine's data preprocessor.
/// </summary>
internal sealed class DirectResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d stem;
    private readonly BatchNorm2d stemNorm;
    private readonly ModuleList<BasicBlock> blocks;
    private readonly Linear fc;
    private readonly Tensor mean;
    private readonly Tensor std;

    public DirectResNet(int inChannels, int width, int numClasses, float[] mean, float[] std)
        : base(nameof(DirectResNet))
    {
        stem = nn.Conv2d(inChannels, width, 3, stride: 1, padding: 1, bias: false);
        stemNorm = nn.BatchNorm2d(width);
        var list = new List<BasicBlock>();
        var channels = width;
        for (var stage = 0; stage < 4; stage++)
        {
            var outChannels = width << stage;
            for (var block = 0; block < 2; block++)
            {
                var stride = stage > 0 && block == 0 ? 2 : 1;
                list.Add(new BasicBlock(channels, outChannels, stride));
                channels = outChannels;
            }
        }

        blocks = nn.ModuleList(list.ToArray());
        fc = nn.Linear(channels, numClasses);
        this.mean = torch.tensor(mean).view(1, -1, 1, 1);
        this.std = torch.tensor(std).view(1, -1, 1, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = (input.to_type(ScalarType.Float32) - mean) / std;
        x = nn.functional.relu(stemNorm.call(stem.call(x)));
        foreach (var block in blocks)
        {
            x = block.call(x);
        }

        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return fc.call(x).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            mean.Dispose();
            std.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Sequential? downsample;

        public BasicBlock(int inChannels, int outChannels, int stride)
            : base(nameof(BasicBlock))
        {
            conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
            bn1 = nn.BatchNorm2d(outChannels);
            conv2 = nn.Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(outChannels);
            if (stride != 1 || inChannels != outChannels)
            {
                downsample = nn.Sequential(nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), nn.BatchNorm2d(outChannels));
            }

            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var x = nn.functional.relu(bn1.call(conv1.call(input)));
            x = bn2.call(conv2.call(x));
            var identity = downsample is null ? input : downsample.call(input);
            return nn.functional.relu(x + identity);
        }
    }
}
