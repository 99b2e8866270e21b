using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Engine;

/// <summary>Turns <c>--device</c> (<c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>) into a TorchSharp device.</summary>
public static class DeviceSelector
{
    /// <summary>The device <paramref name="spec"/> names; <c>auto</c> is CUDA device 0 when libtorch has CUDA, else the CPU.</summary>
    /// <exception cref="ArgumentException">The text is not a device, or names CUDA where libtorch has none or has fewer devices.</exception>
    public static Device Resolve(string? spec)
    {
        var text = string.IsNullOrWhiteSpace(spec) ? "auto" : spec.Trim().ToLowerInvariant();
        if (text == "auto")
        {
            return cuda.is_available() ? CUDA : CPU;
        }

        if (text == "cpu")
        {
            return CPU;
        }

        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = 0;
            if (text.Length > 4 && !int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                throw new ArgumentException($"'{spec}' is not a device: write cuda or cuda:N with N a device number.", nameof(spec));
            }

            if (!cuda.is_available())
            {
                throw new ArgumentException(
                    $"'{spec}' asks for CUDA, but this build's libtorch has no CUDA support (the default build is CPU-only; the README tells how to switch the native package). Use --device cpu or auto.",
                    nameof(spec));
            }

            if (index >= cuda.device_count())
            {
                throw new ArgumentException($"'{spec}' asks for CUDA device {index}, but only {cuda.device_count()} are present.", nameof(spec));
            }

            return device(DeviceType.CUDA, index);
        }

        throw new ArgumentException($"'{spec}' is not a device: use auto, cpu, cuda or cuda:N.", nameof(spec));
    }
}
