namespace ImageClassifier.Engine.Hooks;

/// <summary>
/// mmpretrain's VisualizationHook (<c>default_hooks.visualization</c>): accepted so that its configs
/// read unchanged; prediction images are not drawn here (the run draws <c>curves.png</c> and
/// <c>icls test</c> the confusion matrix).
/// </summary>
[RegisterModel]
public sealed partial class VisualizationHook : Hook
{
    /// <summary>Creates the hook.</summary>
    /// <param name="enable">Whether mmpretrain would draw predictions.</param>
    /// <param name="interval">Every how many samples it would draw.</param>
    /// <param name="show">Show the images in a window.</param>
    /// <param name="waitTime">Seconds a shown image stays.</param>
    /// <param name="drawGt">Draw the ground truth.</param>
    /// <param name="drawPred">Draw the prediction.</param>
    public VisualizationHook(bool enable = false, int interval = 5000, bool show = false, double waitTime = 0, bool drawGt = true, bool drawPred = true)
    {
        _ = (enable, interval, show, waitTime, drawGt, drawPred);
    }
}
