namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// A thread that forces garbage collections and runs the finalizers in a loop while it lives: any
/// temporary TorchSharp <c>Scalar</c> left to the finalizer is then freed while libtorch may still
/// read it, so code that creates one fails within seconds instead of once in a long run.
/// </summary>
public sealed class FinalizerPressure : IDisposable
{
    private readonly Thread thread;
    private volatile bool stopping;

    public FinalizerPressure()
    {
        thread = new Thread(Collect) { IsBackground = true, Name = "finalizer pressure" };
        thread.Start();
    }

    /// <summary>How many collections the thread forced.</summary>
    public long Collections { get; private set; }

    public void Dispose()
    {
        stopping = true;
        thread.Join();
    }

    private void Collect()
    {
        while (!stopping)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Collections++;
        }
    }
}
