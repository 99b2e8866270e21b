using ImageClassifier;
using ThrowingProviderPlugin;

[assembly: ComponentProvider(typeof(LicensedComponentProvider))]

namespace ThrowingProviderPlugin;

/// <summary>
/// A provider that, like some commercial plugins, checks for a licence before it lists anything,
/// and finds none.
/// </summary>
public sealed class LicensedComponentProvider : IComponentProvider
{
    /// <summary>The licence file the provider looks for beside its assembly.</summary>
    public const string LicenceFileName = "throwing-provider.licence";

    /// <summary>Fails: the licence file is never shipped with the test plugin.</summary>
    public LicensedComponentProvider()
    {
        var folder = Path.GetDirectoryName(typeof(LicensedComponentProvider).Assembly.Location) ?? ".";
        var licence = Path.Combine(folder, LicenceFileName);
        if (!File.Exists(licence))
        {
            throw new InvalidOperationException($"No licence file '{LicenceFileName}' was found beside the plugin.");
        }

        Components = [];
    }

    /// <inheritdoc />
    public IReadOnlyList<ComponentDescriptor> Components { get; }
}
