using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Models.Backbones;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ImageClassifier.Hosting.Tests.Catalog;

/// <summary>
/// timm's walk over its registry, for ours: every built-in backbone, in every arch its config
/// offers (the values of <c>arch</c> or <c>depth</c>), builds from JSON, runs one image of 224 x 224
/// (the ImageNet size every built-in family is defined at), gives the feature maps its feature info
/// declares, and its state dict loads strictly into a second build.
/// </summary>
public sealed class BackboneCatalogWalkTests(ITestOutputHelper output)
{
    private const int Size = 224;

    private static readonly ComponentCatalog Catalog = BuiltInComponents.CreateCatalog();

    public static TheoryData<string, string> Entries()
    {
        var entries = new TheoryData<string, string>();
        foreach (var registration in Catalog.List(kind: "backbone"))
        {
            var archs = ComponentArch.Of(registration);
            if (archs.Count == 0)
            {
                entries.Add(registration.Name, $"{{\"type\": \"{registration.Name}\"}}");
            }

            foreach (var arch in archs)
            {
                entries.Add(registration.Name, arch.Json);
            }
        }

        return entries;
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Builds_runs_at_its_size_matches_its_feature_info_and_reloads_its_state(string type, string json)
    {
        Assert.Contains(type, json, StringComparison.Ordinal);
        var binder = new ConfigBinder(Catalog);
        var config = (ComponentConfig<Backbone>)binder.BindComponentJson(json, typeof(Backbone));
        using var backbone = config.Build();
        backbone.eval();
        var parameters = backbone.parameters().Sum(parameter => parameter.numel());
        output.WriteLine($"{json}: {parameters:N0} parameters");
        Assert.True(parameters > 0);

        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var features = backbone.call(zeros(1, 3, Size, Size));
            if (backbone is IHasFeatureInfo declared)
            {
                var expected = declared.OutputFeatureInfo;
                Assert.Equal(expected.Count, features.Count);
                for (var i = 0; i < expected.Count; i++)
                {
                    Assert.Equal(expected[i].Channels, features[i].shape[1]);
                    if (features[i].dim() == 4)
                    {
                        Assert.Equal(Size / expected[i].Reduction, features[i].shape[2]);
                    }
                }
            }
        }

        using var again = config.Build();
        var state = backbone.state_dict();
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), again.state_dict().Keys.Order(StringComparer.Ordinal));
        var (missing, unexpected) = again.load_state_dict(state, strict: true);
        Assert.Empty(missing);
        Assert.Empty(unexpected);
    }
}
