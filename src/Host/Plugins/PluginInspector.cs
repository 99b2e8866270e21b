using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace ImageClassifier.Hosting.Plugins;

/// <summary>Reads a plugin's main assembly with System.Reflection.Metadata: nothing is loaded and no plugin code runs.</summary>
internal static class PluginInspector
{
    /// <summary>Reads the assembly's name, version, references and provider attribute.</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly, or is damaged.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PluginAssemblyInfo Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var image = new PEReader(stream);
        if (!image.HasMetadata)
        {
            throw new BadImageFormatException("The file has no .NET metadata; it may be a native library.", path);
        }

        var reader = image.GetMetadataReader();
        if (!reader.IsAssembly)
        {
            throw new BadImageFormatException("The file is a .NET module without an assembly manifest.", path);
        }

        var definition = reader.GetAssemblyDefinition();
        var references = new Dictionary<string, Version>(StringComparer.Ordinal);
        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            references.TryAdd(reader.GetString(reference.Name), reference.Version);
        }

        return new PluginAssemblyInfo(
            reader.GetString(definition.Name),
            definition.Version,
            references,
            HasComponentProvider(reader, definition));
    }

    // Only the attribute from ImageClassifier.Abstractions counts: one the plugin defines itself
    // is another type, which the catalog would not find.
    private static bool HasComponentProvider(MetadataReader reader, AssemblyDefinition definition)
    {
        var attributeType = typeof(ComponentProviderAttribute);
        foreach (var handle in definition.GetCustomAttributes())
        {
            var constructor = reader.GetCustomAttribute(handle).Constructor;
            if (constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var parent = reader.GetMemberReference((MemberReferenceHandle)constructor).Parent;
            if (parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var type = reader.GetTypeReference((TypeReferenceHandle)parent);
            if (reader.StringComparer.Equals(type.Name, attributeType.Name)
                && reader.StringComparer.Equals(type.Namespace, attributeType.Namespace!)
                && type.ResolutionScope.Kind == HandleKind.AssemblyReference
                && reader.StringComparer.Equals(
                    reader.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name,
                    PluginSharedAssemblies.Abstractions))
            {
                return true;
            }
        }

        return false;
    }
}
