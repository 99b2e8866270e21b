using TorchSharp;

namespace ImageClassifier;

/// <summary>
/// Native scalars that live as long as the process, for the arguments TorchSharp would otherwise
/// turn into a temporary <see cref="Scalar"/> on every call.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 converts a C# number passed where a <see cref="Scalar"/> is expected (and the
/// hidden <c>alpha = 1</c> of <c>a + b</c>, <c>add</c>, <c>add_</c> and <c>addcdiv</c>) into a
/// native scalar that nothing disposes. Once its handle has been read the managed object is
/// unreachable, so a garbage collection can run its finalizer, and free the native scalar, while
/// libtorch is still reading it: a random crash or a wrong number in a long run. Pass these, a
/// <see cref="Scalar"/> kept in a field, or one held by <c>using</c> until the call returns
/// instead. Analyzer ICG022 points at every call that makes such a temporary (docs/reliability.md).
/// </remarks>
public static class ScalarConstants
{
    /// <summary>The integer 1: the <c>alpha</c> of a plain sum, and the step of a counter.</summary>
    public static Scalar One { get; } = 1L.ToScalar();

    /// <summary>The integer -1: the <c>alpha</c> of a plain difference.</summary>
    public static Scalar MinusOne { get; } = (-1L).ToScalar();

    /// <summary>The integer 0.</summary>
    public static Scalar Zero { get; } = 0L.ToScalar();
}
