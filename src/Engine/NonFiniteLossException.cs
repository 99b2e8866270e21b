namespace ImageClassifier.Engine;

/// <summary>Training stopped because the loss became NaN or infinite; the weights were not updated with it.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteLossException(double loss, int epoch, int iteration, string? lastCheckpoint)
        : base(Compose(loss, epoch, iteration, lastCheckpoint))
    {
        Loss = loss;
        Epoch = epoch;
        Iteration = iteration;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>The loss value: NaN or an infinity.</summary>
    public double Loss { get; }

    /// <summary>The epoch (from 1) in which it happened.</summary>
    public int Epoch { get; }

    /// <summary>The iteration (from 1, counted over the run) at which it happened.</summary>
    public int Iteration { get; }

    /// <summary>The last checkpoint written before, if any; it holds good weights.</summary>
    public string? LastCheckpoint { get; }

    private static string Compose(double loss, int epoch, int iteration, string? lastCheckpoint) =>
        $"The loss became {(double.IsNaN(loss) ? "NaN" : loss > 0 ? "+infinity" : "-infinity")} at epoch {epoch}, iteration {iteration}; training stopped before applying it. "
        + (lastCheckpoint is null
            ? "No checkpoint had been written yet. "
            : $"The last good checkpoint is '{lastCheckpoint}' (resume with --resume {lastCheckpoint}). ")
        + "Lower the learning rate, add warm-up (LinearLR) or gradient clipping (optim_wrapper.clip_grad), or check the data for bad values.";
}
