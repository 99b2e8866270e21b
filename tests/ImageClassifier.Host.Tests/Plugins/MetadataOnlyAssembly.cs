using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>
/// Writes an assembly that has a manifest and references but no code: enough for the host's
/// metadata checks, which is all a refused plugin ever meets. Lets the tests try versions of
/// TorchSharp or .NET that no project here is built against.
/// </summary>
public static class MetadataOnlyAssembly
{
    public static void Write(string path, string name, params (string Name, Version Version)[] references)
    {
        var metadata = new MetadataBuilder();
        metadata.AddModule(
            generation: 0,
            moduleName: metadata.GetOrAddString(name + ".dll"),
            mvid: metadata.GetOrAddGuid(Guid.NewGuid()),
            encId: default,
            encBaseId: default);
        metadata.AddAssembly(
            metadata.GetOrAddString(name),
            new Version(1, 0, 0, 0),
            culture: default,
            publicKey: default,
            flags: 0,
            hashAlgorithm: AssemblyHashAlgorithm.Sha1);
        foreach (var (referenceName, version) in references)
        {
            metadata.AddAssemblyReference(
                metadata.GetOrAddString(referenceName),
                version,
                culture: default,
                publicKeyOrToken: default,
                flags: 0,
                hashValue: default);
        }

        metadata.AddTypeDefinition(
            attributes: 0,
            @namespace: default,
            name: metadata.GetOrAddString("<Module>"),
            baseType: default,
            fieldList: MetadataTokens.FieldDefinitionHandle(1),
            methodList: MetadataTokens.MethodDefinitionHandle(1));

        var image = new BlobBuilder();
        new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(metadata), new BlobBuilder()).Serialize(image);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, image.ToArray());
    }
}
