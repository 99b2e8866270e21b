using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Tests.TestHelpers;

namespace ImageClassifier.Models.Tests.Classifiers;

/// <summary>
/// Binds mmpretrain-style JSON configs (<c>{"type": "ImageClassifier", "backbone": {"type": "ResNet", ...}}</c>)
/// to the zoo's generated config classes, strictly, through the zoo assembly's registry provider:
/// the same route the host's catalog takes, without the host. Registrations the zoo lacks
/// (ResNet_CIFAR) come from this test project.
/// </summary>
internal static class ZooConfigBinder
{
    private static readonly Lazy<JsonSerializerOptions> Options = new(CreateOptions);

    /// <summary>Every component the zoo assembly registers.</summary>
    public static IReadOnlyList<ComponentDescriptor> ZooComponents { get; } = ReadProvider(typeof(ImageClassifierModel).Assembly);

    /// <summary>Builds the classifier <paramref name="config"/> describes.</summary>
    public static Classifier BuildClassifier(JsonElement config) => Bind<Classifier>(config).Build();

    /// <summary>Binds <paramref name="config"/> to the config class its "type" names.</summary>
    public static ComponentConfig<TKind> Bind<TKind>(JsonElement config)
        where TKind : class =>
        config.Deserialize<ComponentConfig<TKind>>(Options.Value)
        ?? throw new JsonException("The config is null.");

    private static IReadOnlyList<ComponentDescriptor> ReadProvider(Assembly assembly)
    {
        var attribute = assembly.GetCustomAttribute<ComponentProviderAttribute>()
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no [ComponentProvider].");
        var provider = (IComponentProvider)Activator.CreateInstance(attribute.ProviderType, nonPublic: true)!;
        return provider.Components;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var registrations = ZooComponents.Select(component => (component.KindType, component.ConfigType, component.Name)).ToList();
        if (!registrations.Any(registration => registration.Name == "ResNet_CIFAR"))
        {
            registrations.Add((typeof(Backbone), typeof(ResNetCifarForTestsConfig), "ResNet_CIFAR"));
        }

        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (!info.Type.IsGenericType || info.Type.GetGenericTypeDefinition() != typeof(ComponentConfig<>))
            {
                return;
            }

            var kind = info.Type.GetGenericArguments()[0];
            var polymorphism = new JsonPolymorphismOptions
            {
                TypeDiscriminatorPropertyName = "type",
                UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
            };
            foreach (var (kindType, configType, name) in registrations.Where(registration => registration.KindType == kind))
            {
                polymorphism.DerivedTypes.Add(new JsonDerivedType(configType, name));
            }

            info.PolymorphismOptions = polymorphism;
        });

        return new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            AllowOutOfOrderMetadataProperties = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
    }
}
