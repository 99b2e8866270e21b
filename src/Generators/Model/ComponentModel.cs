namespace ImageClassifier.Generators.Model;

/// <summary>Everything the emitter needs to write one component's config and construction code.</summary>
internal sealed record ComponentModel
{
    /// <summary>The namespace, empty for the global namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The component class ("ResNetCifar").</summary>
    public required string ClassName { get; init; }

    /// <summary>"public" or "internal", given to the config too.</summary>
    public required string Accessibility { get; init; }

    /// <summary>Sealed components get no protected config constructor.</summary>
    public required bool IsSealed { get; init; }

    public required string RegistryName { get; init; }

    public required EquatableArray<string> Aliases { get; init; }

    public required bool Override { get; init; }

    /// <summary>The kind's name ("backbone").</summary>
    public required string KindName { get; init; }

    /// <summary>The kind base, fully qualified.</summary>
    public required string KindTypeName { get; init; }

    /// <summary>The class's XML doc summary.</summary>
    public string? Summary { get; init; }

    /// <summary>The base component's config, when the constructor takes it (a derived component).</summary>
    public BaseConfigModel? Base { get; init; }

    /// <summary>The own parameters, in constructor order, without the base config parameter.</summary>
    public required EquatableArray<ParameterModel> Parameters { get; init; }

    /// <summary>[ParameterDefault] overrides of inherited members.</summary>
    public required EquatableArray<DefaultOverrideModel> DefaultOverrides { get; init; }

    /// <summary>Whether the config's constructor sets every required member (it gets [SetsRequiredMembers]).</summary>
    public required bool SetsRequiredMembers { get; init; }
}

/// <summary>The config a derived component's config inherits.</summary>
internal sealed record BaseConfigModel
{
    /// <summary>The base config class, fully qualified ("global::Seed.ResNetConfig").</summary>
    public required string ConfigTypeName { get; init; }

    /// <summary>The base component's registry name ("ResNet").</summary>
    public required string RegistryName { get; init; }

    /// <summary>The name of the constructor parameter that takes the base config.</summary>
    public required string ParameterName { get; init; }
}

/// <summary>A new default for an inherited member, from [ParameterDefault].</summary>
internal sealed record DefaultOverrideModel
{
    public required InheritedMemberModel Member { get; init; }

    public required ConstantModel Value { get; init; }
}
