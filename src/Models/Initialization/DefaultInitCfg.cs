namespace ImageClassifier.Models.Initialization;

/// <summary>
/// mmpretrain's default <c>init_cfg</c> of each built-in component, for components to use when
/// their <c>initCfg</c> argument is null: <c>InitCfg = initCfg ?? DefaultInitCfg.ResNet();</c>.
/// Each call returns new initializer objects.
/// </summary>
public static class DefaultInitCfg
{
    /// <summary>
    /// ResNet and its variants (ResNetV1c, ResNetV1d, ResNet_CIFAR): Kaiming on <c>Conv2d</c>
    /// (fan_out, relu, normal), weight 1 and bias 0 on batch and group norms.
    /// </summary>
    public static Initializer[] ResNet() => ConvolutionsAndNorms();

    /// <summary>MobileNetV2: the same as ResNet, Kaiming on <c>Conv2d</c> and constant 1 on norms.</summary>
    public static Initializer[] MobileNetV2() => ConvolutionsAndNorms();

    /// <summary>
    /// MobileNetV3: Kaiming on <c>Conv2d</c> (fan_out, leaky_relu with slope 0, normal), the
    /// <c>Linear</c> weight from N(0, 0.01²), weight 1 and bias 0 on <c>BatchNorm2d</c>.
    /// </summary>
    public static Initializer[] MobileNetV3() =>
    [
        new KaimingInit(nonlinearity: Nonlinearity.LeakyRelu, layer: ["Conv2d"]),
        new NormalInit(std: 0.01, layer: ["Linear"]),
        new ConstantInit(val: 1, layer: ["BatchNorm2d"]),
    ];

    /// <summary>EfficientNet: the same as ResNet, Kaiming on <c>Conv2d</c> (which includes its same-padding convolution) and constant 1 on norms.</summary>
    public static Initializer[] EfficientNet() => ConvolutionsAndNorms();

    /// <summary>
    /// VGG: Kaiming on <c>Conv2d</c>, weight 1 and bias 0 on batch norms, and its built-in
    /// classifier's <c>Linear</c> weights from N(0, 0.01²).
    /// </summary>
    public static Initializer[] VGG() =>
    [
        new KaimingInit(layer: ["Conv2d"]),
        new ConstantInit(val: 1, layer: ["_BatchNorm"]),
        new NormalInit(std: 0.01, layer: ["Linear"]),
    ];

    /// <summary>
    /// ConvNeXt: truncated normal (std 0.02, bias 0) on <c>Conv2d</c> and <c>Linear</c>, weight 1
    /// and bias 0 on <c>LayerNorm</c> (mmpretrain's LayerNorm2d derives from it; ours starts at 1
    /// and 0 anyway).
    /// </summary>
    public static Initializer[] ConvNeXt() =>
    [
        new TruncNormalInit(std: 0.02, bias: 0, layer: ["Conv2d", "Linear"]),
        new ConstantInit(val: 1, bias: 0, layer: ["LayerNorm"]),
    ];

    /// <summary>LinearClsHead: the <c>Linear</c> weight from N(0, 0.01²), bias 0.</summary>
    public static Initializer[] LinearClsHead() => [new NormalInit(std: 0.01, layer: ["Linear"])];

    private static Initializer[] ConvolutionsAndNorms() =>
    [
        new KaimingInit(layer: ["Conv2d"]),
        new ConstantInit(val: 1, layer: ["_BatchNorm", "GroupNorm"]),
    ];
}
