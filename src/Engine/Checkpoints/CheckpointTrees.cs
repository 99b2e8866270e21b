using static TorchSharp.torch;

namespace ImageClassifier.Engine.Checkpoints;

/// <summary>Helpers for the object trees <c>TorchCheckpointReader</c> returns.</summary>
internal static class CheckpointTrees
{
    /// <summary>Disposes every tensor in a tree of dictionaries, lists and tuples.</summary>
    public static void DisposeTensors(object? value)
    {
        switch (value)
        {
            case Tensor tensor:
                tensor.Dispose();
                break;
            case Dictionary<string, object?> dictionary:
                foreach (var item in dictionary.Values)
                {
                    DisposeTensors(item);
                }

                break;
            case IEnumerable<object?> items:
                foreach (var item in items)
                {
                    DisposeTensors(item);
                }

                break;
        }
    }
}
