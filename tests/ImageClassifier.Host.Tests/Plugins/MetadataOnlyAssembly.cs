using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>
/// Writes an assembly that has a manifest and references but no code: enough for the host's
/// metadata checks, which is all a refused plugin ever meets. Lets the tests try versions of
/// TorchSharp, .NET or a plugin's dependency that no project here is built against.
/// </summary>
public static class MetadataOnlyAssembly
{
    public static void Write(string path, string name, params (string Name, Version Version)[] references) =>
        Write(path, name, new Version(1, 0, 0, 0), componentProvider: false, references);

    /// <param name="path">The file to write.</param>
    /// <param name="name">The assembly's name.</param>
    /// <param name="version">The assembly's version.</param>
    /// <param name="componentProvider">
    /// Whether to carry <c>[assembly: ComponentProvider(...)]</c> from ImageClassifier.Abstractions, so
    /// that the host's compatibility check lets it through; it then references Abstractions and
    /// System.Runtime (1.0 and 10.0 unless <paramref name="references"/> say otherwise).
    /// </param>
    /// <param name="references">The assemblies it references, with the versions it asks for.</param>
    public static void Write(string path, string name, Version version, bool componentProvider, params (string Name, Version Version)[] references) =>
        Write(path, name, version, componentProvider, referenceAssembly: false, references);

    /// <summary>
    /// Writes a reference assembly (<c>[assembly: ReferenceAssembly]</c>), which compilers read and the
    /// runtime refuses to load for execution: a file whose metadata checks pass but whose load fails.
    /// </summary>
    public static void WriteReferenceAssembly(string path, string name, Version version) =>
        Write(path, name, version, componentProvider: false, referenceAssembly: true, []);

    private static void Write(string path, string name, Version version, bool componentProvider, bool referenceAssembly, (string Name, Version Version)[] references)
    {
        var metadata = new MetadataBuilder();
        metadata.AddModule(
            generation: 0,
            moduleName: metadata.GetOrAddString(name + ".dll"),
            mvid: metadata.GetOrAddGuid(Guid.NewGuid()),
            encId: default,
            encBaseId: default);
        var assembly = metadata.AddAssembly(
            metadata.GetOrAddString(name),
            version,
            culture: default,
            publicKey: default,
            flags: 0,
            hashAlgorithm: AssemblyHashAlgorithm.Sha1);

        var all = references.ToList();
        if (referenceAssembly)
        {
            AddIfMissing(all, "System.Runtime", new Version(10, 0, 0, 0));
        }

        if (componentProvider)
        {
            AddIfMissing(all, "ImageClassifier.Abstractions", new Version(1, 0, 0, 0));
            AddIfMissing(all, "System.Runtime", new Version(10, 0, 0, 0));
        }

        var handles = new Dictionary<string, AssemblyReferenceHandle>();
        foreach (var (referenceName, referenceVersion) in all)
        {
            handles[referenceName] = metadata.AddAssemblyReference(
                metadata.GetOrAddString(referenceName),
                referenceVersion,
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

        if (componentProvider)
        {
            AddComponentProvider(metadata, assembly, handles["ImageClassifier.Abstractions"], handles["System.Runtime"]);
        }

        if (referenceAssembly)
        {
            var attributeType = metadata.AddTypeReference(
                handles["System.Runtime"],
                metadata.GetOrAddString("System.Runtime.CompilerServices"),
                metadata.GetOrAddString("ReferenceAssemblyAttribute"));
            var signature = new BlobBuilder();
            new BlobEncoder(signature).MethodSignature(isInstanceMethod: true).Parameters(0, returnType => returnType.Void(), _ => { });
            var constructor = metadata.AddMemberReference(attributeType, metadata.GetOrAddString(".ctor"), metadata.GetOrAddBlob(signature));
            var value = new BlobBuilder();
            value.WriteUInt16(1);
            value.WriteUInt16(0);
            metadata.AddCustomAttribute(assembly, constructor, metadata.GetOrAddBlob(value));
        }

        var image = new BlobBuilder();
        new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(metadata), new BlobBuilder()).Serialize(image);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, image.ToArray());
    }

    private static void AddIfMissing(List<(string Name, Version Version)> references, string name, Version version)
    {
        if (!references.Any(reference => reference.Name == name))
        {
            references.Add((name, version));
        }
    }

    // [assembly: ComponentProvider(typeof(Provider))]: the constructor's signature and the attribute's
    // value are written as the compiler writes them; the named type need not exist, since the
    // host's checks read the attribute's type and never resolve its argument.
    private static void AddComponentProvider(MetadataBuilder metadata, AssemblyDefinitionHandle assembly, AssemblyReferenceHandle abstractions, AssemblyReferenceHandle runtime)
    {
        var attribute = typeof(ComponentProviderAttribute);
        var attributeType = metadata.AddTypeReference(abstractions, metadata.GetOrAddString(attribute.Namespace!), metadata.GetOrAddString(attribute.Name));
        var systemType = metadata.AddTypeReference(runtime, metadata.GetOrAddString("System"), metadata.GetOrAddString("Type"));

        var signature = new BlobBuilder();
        new BlobEncoder(signature).MethodSignature(isInstanceMethod: true).Parameters(
            1,
            returnType => returnType.Void(),
            parameters => parameters.AddParameter().Type().Type(systemType, isValueType: false));
        var constructor = metadata.AddMemberReference(attributeType, metadata.GetOrAddString(".ctor"), metadata.GetOrAddBlob(signature));

        var value = new BlobBuilder();
        value.WriteUInt16(1);
        value.WriteSerializedString("Provider");
        value.WriteUInt16(0);
        metadata.AddCustomAttribute(assembly, constructor, metadata.GetOrAddBlob(value));
    }
}
