namespace ImageClassifier.Engine.Configuration;

/// <summary>One entry of <c>paramwise_cfg.custom_keys</c>: the parameters whose name contains <see cref="Key"/>.</summary>
/// <param name="Key">A substring of parameter names, such as <c>backbone</c> or <c>.pos_embed</c>.</param>
/// <param name="LrMult"><c>lr_mult</c>: multiplies their learning rate; null leaves it (1).</param>
/// <param name="DecayMult"><c>decay_mult</c>: multiplies their weight decay; null leaves it (1).</param>
public sealed record CustomKeySettings(string Key, double? LrMult = null, double? DecayMult = null);
