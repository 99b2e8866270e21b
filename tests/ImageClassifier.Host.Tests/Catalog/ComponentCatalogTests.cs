using System.Reflection;
using System.Reflection.Emit;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Tests.TestComponents;

namespace ImageClassifier.Hosting.Tests.Catalog;

public sealed class ComponentCatalogTests
{
    private const string TestAssemblyName = "ImageClassifier.Host.Tests";

    [Fact]
    public void Register_then_Find_returns_the_registration_with_its_source()
    {
        var catalog = new ComponentCatalog();

        var registered = catalog.Register(TestDescriptors.Backbone("TinyNet"), "built-in");
        var found = catalog.Find("TinyNet");

        Assert.Same(registered, found);
        Assert.Equal("backbone", found.Kind);
        Assert.Equal(typeof(TinyNet), found.Descriptor.ComponentType);
        Assert.Equal("built-in", found.Source.Origin);
        Assert.Equal(TestAssemblyName, found.Source.AssemblyName);
        Assert.Equal(typeof(TinyNet).Assembly.GetName().Version!.ToString(), found.Source.AssemblyVersion);
        Assert.Equal(typeof(TinyNet).Assembly.Location, found.Source.AssemblyLocation);
        Assert.Equal(1, catalog.Count);
    }

    [Fact]
    public void Find_by_alias_returns_the_component()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("ResNet_CIFAR", aliases: ["resnet_cifar", "ResNetCifar"]), "built-in");

        Assert.Equal("ResNet_CIFAR", catalog.Find("resnet_cifar").Name);
        Assert.Equal("ResNet_CIFAR", catalog.Find("ResNetCifar", "backbone").Name);
        Assert.Equal(["resnet_cifar", "ResNetCifar"], catalog.Find("ResNet_CIFAR").Aliases);
    }

    [Fact]
    public void Names_compare_case_sensitively_for_identity()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("TinyNet"), "built-in");
        catalog.Register(TestDescriptors.Backbone("tinynet", componentType: typeof(object)), "plugin");

        Assert.Equal(typeof(TinyNet), catalog.Find("TinyNet").Descriptor.ComponentType);
        Assert.Equal(typeof(object), catalog.Find("tinynet").Descriptor.ComponentType);
        var error = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("TINYNET", "backbone"));
        Assert.Contains("TinyNet", error.Suggestions);
        Assert.Contains("tinynet", error.Suggestions);
    }

    [Fact]
    public void Find_with_a_kind_looks_only_in_that_kind()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("Shared"), "built-in");
        catalog.Register(TestDescriptors.Neck("Shared"), "built-in");

        Assert.Equal("backbone", catalog.Find("Shared", "backbone").Kind);
        Assert.Equal("neck", catalog.Find("Shared", "neck").Kind);
        Assert.Equal("neck", catalog.Find("Shared", "Neck").Kind);
    }

    [Fact]
    public void Find_without_a_kind_refuses_a_name_held_by_several_kinds_and_lists_them()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("Shared"), "built-in");
        catalog.Register(TestDescriptors.Neck("Shared"), "my-plugin");

        var error = Assert.Throws<AmbiguousComponentException>(() => catalog.Find("Shared"));

        Assert.Equal(["backbone", "neck"], error.Kinds);
        Assert.Contains("'Shared' names components of several kinds", error.Message);
        Assert.Contains("a backbone", error.Message);
        Assert.Contains("a neck", error.Message);
        Assert.Contains("my-plugin", error.Message);
        Assert.False(catalog.TryFind("Shared", out _));
    }

    [Fact]
    public void TryFind_reports_found_and_missing_without_throwing()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("TinyNet", aliases: ["tiny_net"]), "built-in");

        Assert.True(catalog.TryFind("tiny_net", out var byAlias));
        Assert.Equal("TinyNet", byAlias.Name);
        Assert.True(catalog.TryFind("TinyNet", "backbone", out _));
        Assert.False(catalog.TryFind("TinyNet", "neck", out _));
        Assert.False(catalog.TryFind("TinyNet", "no-such-kind", out _));
        Assert.False(catalog.TryFind("Missing", out var missing));
        Assert.Null(missing);
    }

    [Fact]
    public void Not_found_names_the_kind_and_suggests_the_closest_name_first()
    {
        var catalog = CatalogOfResNets();

        var error = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("ResNet_CIFR", "backbone"));

        Assert.StartsWith("No backbone named 'ResNet_CIFR' is registered.", error.Message);
        Assert.Contains("Did you mean 'ResNet_CIFAR'", error.Message);
        Assert.Equal("ResNet_CIFAR", error.Suggestions[0]);
        Assert.Equal("backbone", error.Kind);
        Assert.Equal("ResNet_CIFR", error.Name);
    }

    [Fact]
    public void Suggestions_rank_case_then_edit_distance_then_prefix_and_stop_at_three()
    {
        var catalog = CatalogOfResNets();

        var byCase = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("resnet", "backbone"));
        var byPrefix = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("ResNet_CI", "backbone"));
        var byTypo = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("VGG61", "backbone"));
        var nothingClose = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("EfficientNet", "backbone"));

        Assert.Equal(["ResNet", "ResNeSt", "ResNeXt"], byCase.Suggestions);
        Assert.Contains("Did you mean 'ResNet', 'ResNeSt' or 'ResNeXt'?", byCase.Message);
        Assert.Equal("ResNet_CIFAR", byPrefix.Suggestions[0]);
        Assert.Equal(["VGG16"], byTypo.Suggestions);
        Assert.Empty(nothingClose.Suggestions);
        Assert.DoesNotContain("Did you mean", nothingClose.Message);
    }

    [Fact]
    public void Suggestions_catch_an_abbreviated_name_by_its_long_common_start()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Neck("GlobalAveragePooling"), "built-in");
        catalog.Register(TestDescriptors.Neck("GeneralizedMeanPooling"), "built-in");

        var error = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("GlobalAvgPooling", "neck"));

        Assert.Equal(["GlobalAveragePooling"], error.Suggestions);
    }

    [Fact]
    public void Suggestions_offer_aliases_too()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("ResNetCifar", aliases: ["resnet_cifar"]), "built-in");

        var error = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("resnet_cifr", "backbone"));

        Assert.Equal(["resnet_cifar"], error.Suggestions);
    }

    [Fact]
    public void Not_found_says_when_the_name_is_registered_under_another_kind()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("TinyNet"), "built-in");
        catalog.Register(TestDescriptors.Neck("GlobalAveragePooling", aliases: ["GAP"]), "built-in");

        var error = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("GAP", "backbone"));

        Assert.Equal(["neck"], error.OtherKinds);
        Assert.Contains("No backbone named 'GAP' is registered. 'GAP' is a neck, not a backbone.", error.Message);
    }

    [Fact]
    public void Not_found_without_a_kind_suggests_names_of_every_kind_with_their_kind()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("TinyNet"), "built-in");
        catalog.Register(TestDescriptors.Neck("TinyNeck"), "built-in");

        var error = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("TinyNek"));

        Assert.Null(error.Kind);
        Assert.StartsWith("No component named 'TinyNek' is registered.", error.Message);
        Assert.Contains("'TinyNeck' (neck)", error.Message);
        Assert.Contains("'TinyNet' (backbone)", error.Message);
        Assert.Equal("TinyNeck", error.Suggestions[0]);
    }

    [Fact]
    public void Not_found_in_an_empty_kind_or_catalog_says_so()
    {
        var catalog = new ComponentCatalog();
        catalog.DeclareKind(typeof(TestNeck));
        var inEmptyCatalog = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("Anything"));
        catalog.Register(TestDescriptors.Backbone("TinyNet"), "built-in");
        var inEmptyKind = Assert.Throws<ComponentNotFoundException>(() => catalog.Find("Anything", "neck"));

        Assert.Contains("The catalog is empty.", inEmptyCatalog.Message);
        Assert.Contains("The catalog holds no component of kind 'neck' at all.", inEmptyKind.Message);
    }

    [Fact]
    public void An_unknown_kind_is_reported_with_the_known_kinds_and_a_suggestion()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("TinyNet"), "built-in");
        catalog.Register(TestDescriptors.Neck("TinyNeck"), "built-in");

        var onFind = Assert.Throws<UnknownComponentKindException>(() => catalog.Find("TinyNet", "bakbone"));
        var onList = Assert.Throws<UnknownComponentKindException>(() => catalog.List(kind: "necks"));

        Assert.Equal("There is no component kind 'bakbone'. Known kinds: backbone, neck. Did you mean 'backbone'?", onFind.Message);
        Assert.Equal(["neck"], onList.Suggestions);
    }

    [Fact]
    public void List_matches_wildcards_against_names_and_aliases_ignoring_case()
    {
        var catalog = CatalogOfResNets();
        catalog.Register(TestDescriptors.Neck("GlobalAveragePooling", aliases: ["GAP"]), "built-in");

        // Names sort ignoring case, which puts 'V' before '_'.
        Assert.Equal(["ResNet", "ResNetV1c", "ResNet_CIFAR"], Names(catalog.List("resnet*")));
        Assert.Equal(["ResNeSt", "ResNeXt"], Names(catalog.List("resne?t")));
        Assert.Equal(["ResNet_CIFAR"], Names(catalog.List("*cifar")));
        Assert.Equal(["GlobalAveragePooling"], Names(catalog.List("g?p")));
        Assert.Equal(["ResNet"], Names(catalog.List("RESNET")));
        Assert.Empty(catalog.List("res"));
        Assert.Equal(7, catalog.List("*").Count);
        // A backslash makes the next character literal, so this asks for a name ending in '*'.
        Assert.Empty(catalog.List(@"resnet\*"));
    }

    [Fact]
    public void List_sorts_by_kind_then_name_and_filters_by_kind()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Neck("Zeta"), "built-in");
        catalog.Register(TestDescriptors.Backbone("beta"), "built-in");
        catalog.Register(TestDescriptors.Neck("Alpha"), "built-in");
        catalog.Register(TestDescriptors.Backbone("Gamma"), "built-in");

        var all = catalog.List();

        Assert.Equal(["backbone/beta", "backbone/Gamma", "neck/Alpha", "neck/Zeta"], all.Select(r => $"{r.Kind}/{r.Name}"));
        Assert.Equal(["Alpha", "Zeta"], Names(catalog.List(kind: "neck")));
        Assert.Equal(["Gamma"], Names(catalog.List("g*", "backbone")));
    }

    [Fact]
    public void Kinds_lists_declared_and_registered_kinds_with_counts()
    {
        var catalog = new ComponentCatalog();
        Assert.Equal("neck", catalog.DeclareKind(typeof(TestNeck)));
        catalog.Register(TestDescriptors.Backbone("A"), "built-in");
        catalog.Register(TestDescriptors.Backbone("B"), "built-in");

        Assert.Equal(
            [new KindSummary("backbone", typeof(TestBackbone), 2), new KindSummary("neck", typeof(TestNeck), 0)],
            catalog.Kinds);
        Assert.Empty(catalog.List(kind: "neck"));
    }

    [Fact]
    public void DeclareKind_refuses_a_type_without_a_kind_attribute()
    {
        var error = Assert.Throws<ArgumentException>(() => new ComponentCatalog().DeclareKind(typeof(TinyNet)));

        Assert.Contains("carries no [ComponentKind] attribute", error.Message);
    }

    [Fact]
    public void A_kind_claimed_by_two_base_classes_is_a_conflict()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("TinyNet"), "built-in");
        var foreign = new ComponentDescriptor
        {
            Name = "Other",
            Kind = "backbone",
            KindType = typeof(ForeignBackbone),
            ComponentType = typeof(object),
            ConfigType = typeof(object),
            Parameters = [],
        };

        var error = Assert.Throws<ComponentKindConflictException>(() => catalog.Register(foreign, "my-plugin"));

        Assert.Contains("Kind 'backbone'", error.Message);
        Assert.Contains(typeof(TestBackbone).FullName!, error.Message);
        Assert.Contains(typeof(ForeignBackbone).FullName!, error.Message);
        Assert.Contains("my-plugin", error.Message);
        Assert.False(catalog.TryFind("Other", out _));
    }

    [Fact]
    public void A_duplicate_name_names_the_kind_the_name_and_both_assemblies_and_origins()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("ResNet", componentType: typeof(object)), "built-in");

        var error = Assert.Throws<DuplicateComponentException>(
            () => catalog.Register(TestDescriptors.Backbone("ResNet", componentType: typeof(TinyNet)), "my-plugin"));

        Assert.StartsWith("Duplicate backbone 'ResNet':", error.Message);
        Assert.Contains("assembly 'System.Private.CoreLib'", error.Message);
        Assert.Contains($"assembly '{TestAssemblyName}'", error.Message);
        Assert.Contains("built-in", error.Message);
        Assert.Contains("my-plugin", error.Message);
        Assert.Contains("Override = true", error.Message);
        Assert.Equal("backbone", error.Kind);
        Assert.Equal("ResNet", error.Name);
        Assert.Equal(typeof(object), error.Existing.Descriptor.ComponentType);
        Assert.Equal(typeof(TinyNet), error.Rejected.Descriptor.ComponentType);
        Assert.Equal(typeof(object), catalog.Find("ResNet").Descriptor.ComponentType);
    }

    [Fact]
    public void An_alias_that_takes_a_name_of_the_same_kind_is_a_duplicate()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("ResNet", aliases: ["resnet"]), "built-in");

        var error = Assert.Throws<DuplicateComponentException>(
            () => catalog.Register(TestDescriptors.Backbone("ResNetV2", aliases: ["resnet"]), "my-plugin"));

        Assert.Equal("resnet", error.Name);
        Assert.Contains("(as an alias of 'ResNet')", error.Message);
    }

    [Fact]
    public void The_same_name_in_different_kinds_is_not_a_duplicate()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("Shared"), "built-in");
        catalog.Register(TestDescriptors.Neck("Shared"), "built-in");

        Assert.Equal(2, catalog.Count);
    }

    [Fact]
    public void A_provider_registers_all_of_its_components_or_none()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Neck("TinyNeck"), "built-in");
        var clashing = new ListProvider(TestDescriptors.Backbone("Fresh"), TestDescriptors.Neck("TinyNeck"));

        Assert.Throws<DuplicateComponentException>(() => catalog.Register(clashing, "my-plugin"));

        Assert.False(catalog.TryFind("Fresh", out _));
        Assert.Equal(1, catalog.Count);
        Assert.DoesNotContain(catalog.Kinds, kind => kind.Name == "backbone");
    }

    [Fact]
    public void A_provider_may_not_clash_with_itself()
    {
        var catalog = new ComponentCatalog();
        var provider = new ListProvider(TestDescriptors.Backbone("Twice"), TestDescriptors.Backbone("Twice", componentType: typeof(object)));

        Assert.Throws<DuplicateComponentException>(() => catalog.Register(provider, "my-plugin"));
        Assert.Equal(0, catalog.Count);
    }

    [Fact]
    public void An_override_descriptor_replaces_the_earlier_registration_and_remembers_it()
    {
        var catalog = new ComponentCatalog();
        var original = catalog.Register(TestDescriptors.Backbone("ResNet", componentType: typeof(object), aliases: ["resnet_old"]), "built-in");

        var replacement = catalog.Register(TestDescriptors.Backbone("ResNet", componentType: typeof(TinyNet), overrides: true), "my-plugin");

        Assert.Same(replacement, catalog.Find("ResNet"));
        Assert.Same(original, replacement.Replaced);
        Assert.Equal([replacement], catalog.Overrides);
        Assert.False(catalog.TryFind("resnet_old", out _));
        Assert.Equal(1, catalog.Count);
    }

    [Fact]
    public void AllowOverride_replaces_a_descriptor_that_did_not_ask_to()
    {
        var catalog = new ComponentCatalog();
        var original = catalog.Register(TestDescriptors.Backbone("ResNet", componentType: typeof(object)), "built-in");

        var replacement = catalog.Register(TestDescriptors.Backbone("ResNet"), "config", allowOverride: true);

        Assert.Same(original, replacement.Replaced);
        Assert.Equal(typeof(TinyNet), catalog.Find("ResNet").Descriptor.ComponentType);
    }

    [Fact]
    public void An_override_with_nothing_to_replace_simply_registers()
    {
        var catalog = new ComponentCatalog();

        var registration = catalog.Register(TestDescriptors.Backbone("New", overrides: true), "my-plugin");

        Assert.Null(registration.Replaced);
        Assert.Empty(catalog.Overrides);
    }

    [Fact]
    public void An_override_does_not_license_an_alias_that_takes_another_components_name()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("ResNet"), "built-in");
        catalog.Register(TestDescriptors.Backbone("VGG"), "built-in");

        var error = Assert.Throws<DuplicateComponentException>(
            () => catalog.Register(TestDescriptors.Backbone("ResNet", aliases: ["VGG"], overrides: true), "my-plugin"));

        Assert.Equal("VGG", error.Name);
        Assert.Null(catalog.Find("ResNet").Replaced);
    }

    [Fact]
    public void RegisterAssembly_reads_the_provider_attribute_and_registers_what_it_provides()
    {
        var catalog = new ComponentCatalog();

        var registered = catalog.RegisterAssembly(typeof(TestProvider).Assembly, "tests");

        Assert.Equal(["TinyNet", "TinyNeck"], Names(registered));
        Assert.All(registered, registration => Assert.Equal("tests", registration.Source.Origin));
        Assert.Equal("TinyNet", catalog.Find("tiny_net", "backbone").Name);
        Assert.Equal(TestAssemblyName, catalog.Find("TinyNeck").Source.AssemblyName);
    }

    [Fact]
    public void RegisterAssembly_qualifies_a_plugins_component_whose_name_a_built_in_holds()
    {
        var catalog = new ComponentCatalog();
        var builtIn = catalog.Register(TestDescriptors.Backbone("TinyNet", componentType: typeof(object)), "built-in");

        var registered = catalog.RegisterAssembly(typeof(TestProvider).Assembly, "MyPlugin");

        Assert.Equal(["MyPlugin.TinyNet", "TinyNeck"], Names(registered));
        Assert.Equal(["TinyNet", "TinyNeck"], registered.Select(registration => registration.DeclaredName));
        Assert.Same(builtIn, catalog.Find("TinyNet", "backbone"));
        Assert.Equal(typeof(TinyNet), catalog.Find("MyPlugin.tiny_net", "backbone").Descriptor.ComponentType);
        Assert.Equal("MyPlugin", catalog.Describe("MyPlugin.TinyNet").Origin);
        Assert.Empty(catalog.Overrides);
    }

    [Fact]
    public void RegisterAssembly_still_refuses_a_plugins_component_whose_name_another_plugin_holds()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("TinyNet", componentType: typeof(object)), "OtherPlugin");

        var error = Assert.Throws<DuplicateComponentException>(() => catalog.RegisterAssembly(typeof(TestProvider).Assembly, "MyPlugin"));

        Assert.Equal("TinyNet", error.Name);
        Assert.False(catalog.TryFind("TinyNeck", out _));
    }

    [Fact]
    public void RegisterAssembly_registers_nothing_from_an_assembly_without_the_attribute()
    {
        var catalog = new ComponentCatalog();

        Assert.Empty(catalog.RegisterAssembly(typeof(object).Assembly, "built-in"));
        Assert.Empty(catalog.RegisterAssembly(typeof(System.CommandLine.Command).Assembly, "built-in"));
        Assert.Equal(0, catalog.Count);
    }

    [Theory]
    [InlineData(typeof(BrokenProviders.NotAProvider), "does not implement ImageClassifier.IComponentProvider")]
    [InlineData(typeof(BrokenProviders.WithoutParameterlessConstructor), "public parameterless constructor")]
    [InlineData(typeof(BrokenProviders.ThrowingConstructor), "the provider is broken on purpose")]
    [InlineData(typeof(BrokenProviders.NullComponent), "null component")]
    public void RegisterAssembly_explains_an_unusable_provider(Type providerType, string expected)
    {
        var assembly = AssemblyPointingAt(providerType);

        var error = Assert.Throws<ComponentProviderException>(() => new ComponentCatalog().RegisterAssembly(assembly, "bad-plugin"));

        Assert.Contains(expected, error.Message);
        Assert.Contains("bad-plugin", error.Message);
    }

    [Fact]
    public void Describe_gives_names_types_origin_assembly_and_parameters()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(
            TestDescriptors.Backbone("TinyNet", aliases: ["tiny_net"], parameters: TestDescriptors.TinyNetParameters, baseName: "BaseNet"),
            "built-in");

        var description = catalog.Describe("tiny_net");

        Assert.Equal("TinyNet", description.Name);
        Assert.Equal(["tiny_net"], description.Aliases);
        Assert.Equal("backbone", description.Kind);
        Assert.Equal("The TinyNet test backbone.", description.Summary);
        Assert.Equal("ImageClassifier.Hosting.Tests.TestComponents.TinyNet", description.ComponentType);
        Assert.Equal("ImageClassifier.Hosting.Tests.TestComponents.TinyNetConfig", description.ConfigType);
        Assert.Equal("ImageClassifier.Hosting.Tests.TestComponents.TestBackbone", description.KindType);
        Assert.Equal("BaseNet", description.BaseName);
        Assert.Equal("built-in", description.Origin);
        Assert.Equal(TestAssemblyName, description.AssemblyName);
        Assert.Equal(typeof(TinyNet).Assembly.GetName().Version!.ToString(), description.AssemblyVersion);
        Assert.Equal(typeof(TinyNet).Assembly.Location, description.AssemblyPath);
        Assert.Empty(description.Replaces);

        Assert.Equal(["out_indices", "depth", "drop_rate"], description.Parameters.Select(p => p.JsonName));
        var outIndices = description.Parameters[0];
        Assert.Equal(
            new ParameterDescription("OutIndices", "out_indices", "int[]", "int[]", null, false, "[3]", outIndices.Constraints, "Which stages to return.", "BaseNet"),
            outIndices);
        Assert.Equal(["between 0 and 3"], outIndices.Constraints);
        var depth = description.Parameters[1];
        Assert.True(depth.Required);
        Assert.Null(depth.DefaultJson);
        Assert.Equal(["one of 18, 34"], depth.Constraints);
        Assert.Null(depth.DeclaredBy);
        Assert.Equal("double?", description.Parameters[2].ClrType);
    }

    [Fact]
    public void Describe_lists_what_an_override_replaced_most_recent_first()
    {
        var catalog = new ComponentCatalog();
        catalog.Register(TestDescriptors.Backbone("ResNet", componentType: typeof(object)), "built-in");
        catalog.Register(TestDescriptors.Backbone("ResNet", componentType: typeof(string), overrides: true), "plugin-a");
        catalog.Register(TestDescriptors.Backbone("ResNet", overrides: true), "plugin-b");

        var description = catalog.Describe("ResNet", "backbone");

        Assert.True(description.Override);
        Assert.Equal("plugin-b", description.Origin);
        Assert.Equal(["string/plugin-a", "object/built-in"], description.Replaces.Select(r => $"{r.ComponentType}/{r.Origin}"));
        Assert.Equal("System.Private.CoreLib", description.Replaces[1].AssemblyName);
    }

    [Fact]
    public void Concurrent_registrations_and_reads_see_consistent_state()
    {
        var catalog = new ComponentCatalog();
        catalog.DeclareKind(typeof(TestBackbone));

        Parallel.For(0, 200, i =>
        {
            catalog.Register(TestDescriptors.Backbone($"Net{i}", aliases: [$"net_{i}"]), "built-in");
            Assert.Equal($"Net{i}", catalog.Find($"net_{i}").Name);
            _ = catalog.List("net*");
        });

        Assert.Equal(200, catalog.Count);
        Assert.Equal(200, catalog.List("net_*").Count);
    }

    [Fact]
    public void Register_refuses_a_descriptor_without_a_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new ComponentCatalog().Register(TestDescriptors.Backbone(" "), "built-in"));

        Assert.Contains("has no name", error.Message);
    }

    private static ComponentCatalog CatalogOfResNets()
    {
        var catalog = new ComponentCatalog();
        foreach (var name in new[] { "ResNet", "ResNet_CIFAR", "ResNetV1c", "ResNeSt", "ResNeXt", "VGG16" })
        {
            catalog.Register(TestDescriptors.Backbone(name), "built-in");
        }

        return catalog;
    }

    private static string[] Names(IEnumerable<ComponentRegistration> registrations) => registrations.Select(r => r.Name).ToArray();

    // A real assembly carrying [ComponentProvider(providerType)], built in memory, since this test
    // assembly can carry only one such attribute.
    private static Assembly AssemblyPointingAt(Type providerType)
    {
        var constructor = typeof(ComponentProviderAttribute).GetConstructor([typeof(Type)])!;
        var attribute = new CustomAttributeBuilder(constructor, [providerType]);
        return AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"BadPlugin{Guid.NewGuid():N}"), AssemblyBuilderAccess.Run, [attribute]);
    }
}
