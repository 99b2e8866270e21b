using ImageClassifier.Generators.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using ImageClassifier.Generators.Tests.TestHelpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageClassifier.Generators.Tests;

public sealed class RegistryGeneratorTests
{
    /// <summary>A sealed head with a nested loss, an array default and a required member (the brief's LinearClsHead).</summary>
    private const string LinearHead = """
        using System.Collections.Generic;
        using ImageClassifier;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Plugin.Heads;

        /// <summary>A linear classifier on the last feature.</summary>
        [RegisterModel]
        public sealed class LinearClsHead : Head
        {
            /// <summary>Creates the head.</summary>
            /// <param name="numClasses">How many classes.</param>
            /// <param name="inChannels">Width of the input feature.</param>
            /// <param name="loss">The loss; cross-entropy when null.</param>
            /// <param name="topk">The <c>k</c> of each top-k accuracy.</param>
            public LinearClsHead(int numClasses, int inChannels, Loss? loss = null, [DefaultItems(1)] int[]? topk = null)
                : base("LinearClsHead")
            {
            }

            public override Tensor forward(IReadOnlyList<Tensor> input) => input[input.Count - 1];

            public override IReadOnlyDictionary<string, Tensor> Loss(IReadOnlyList<Tensor> feats, Tensor target) => new Dictionary<string, Tensor>();

            public override ClassificationPrediction Predict(IReadOnlyList<Tensor> feats) => new(feats[0], feats[0]);
        }
        """;

    /// <summary>Every supported parameter shape, in the global namespace, internal, with keyword names.</summary>
    private const string EveryShape = """
        using System;
        using System.Collections.Generic;
        using ImageClassifier;
        using TorchSharp;
        using static TorchSharp.torch;

        public enum PaddingMode { Zeros, ReflectPadding }

        /// <summary>A plugin's own kind: not a TorchSharp module.</summary>
        [ComponentKind("sampler")]
        public abstract class Sampler
        {
        }

        /// <summary>A norm layer config passed through as it is.</summary>
        public sealed class NormConfig : ComponentConfig<Sampler>
        {
            public override string TypeName => "BN";

            public override Sampler Build() => throw new NotSupportedException();
        }

        /// <summary>Uses every kind of parameter.</summary>
        [RegisterModel("every-shape.v1", Aliases = new[] { "EveryShape" }, Override = true)]
        internal sealed class EveryShape : Sampler
        {
            /// <param name="class">A keyword-named parameter.</param>
            /// <param name="ratio">A float &amp; a <see cref="Math"/> reference.</param>
            public EveryShape(
                string? @class,
                Loss loss,
                Loss[] losses,
                Backbone[]? backbones = null,
                NormConfig? normCfg = null,
                ComponentConfig<Loss>? lossCfg = null,
                float ratio = 0.25f,
                long big = -5000000000,
                byte small = 7,
                decimal exact = 1.5m,
                uint count = 3,
                int? maybe = null,
                [ValueRange(0, 1, MinimumExclusive = true)] double? scale = 0.5,
                PaddingMode mode = PaddingMode.ReflectPadding,
                Reduction? reductionOverride = null,
                [DefaultItems(Reduction.Sum, Reduction.None)] Reduction[]? reductions = null,
                [DefaultItems(0.5, 2)] double[]? factors = null,
                [DefaultItems("a\"b", "c")] string[]? names = null,
                bool toRGB = true)
            {
            }
        }
        """;

    /// <summary>A derived component that overrides a required inherited default and adds a member.</summary>
    private const string DerivedWithDefaults = """
        using System.Collections.Generic;
        using ImageClassifier;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Plugin.Backbones;

        /// <summary>A tiny backbone.</summary>
        [RegisterModel]
        public partial class Tiny : Backbone
        {
            /// <param name="depth">Depth.</param>
            /// <param name="widths">Widths.</param>
            /// <param name="reduction">Reduction.</param>
            public Tiny([OneOf(18, 34)] int depth, [DefaultItems(8, 16)] int[]? widths = null, Reduction reduction = Reduction.Mean, double scale = 1)
                : base("Tiny")
            {
                Depth = depth;
            }

            public int Depth { get; }

            public override IReadOnlyList<Tensor> forward(Tensor input) => [input];
        }

        /// <summary>Tiny for small images.</summary>
        [RegisterModel("Tiny_CIFAR")]
        [ParameterDefault(nameof(TinyConfig.Depth), 18)]
        [ParameterDefault(nameof(TinyConfig.Widths), new[] { 4 })]
        [ParameterDefault(nameof(TinyConfig.Reduction), Reduction.Sum)]
        [ParameterDefault(nameof(TinyConfig.Scale), 2)]
        public sealed class TinyCifar : Tiny
        {
            /// <param name="config">Tiny's arguments.</param>
            /// <param name="dropout">Dropout rate.</param>
            public TinyCifar(TinyConfig config, double dropout = 0.1)
                : base(config)
            {
                Dropout = dropout;
            }

            public double Dropout { get; }
        }

        public static class Usage
        {
            // Compiles only because the derived config's constructor sets every required member.
            public static TinyCifarConfig Create() => new TinyCifarConfig { Dropout = 0.2 };
        }
        """;

    [Fact]
    public void SeedExamplesMatchSnapshots()
    {
        var run = SeedCompilation.Run;
        GeneratorHarness.AssertNoDiagnostics(run.Output);
        Snapshot.Verify("SeedExamples", run);
    }

    [Fact]
    public void SealedHeadWithNestedLossMatchesSnapshots()
    {
        var run = GeneratorHarness.Run(LinearHead);
        GeneratorHarness.AssertNoDiagnostics(run.Output);
        Assert.DoesNotContain("Plugin.Heads.LinearClsHead.Construction.g.cs", run.Sources.Keys);
        Snapshot.Verify("SealedHeadWithNestedLoss", run);
    }

    [Fact]
    public void EverySupportedParameterShapeMatchesSnapshots()
    {
        var run = GeneratorHarness.Run(EveryShape);
        GeneratorHarness.AssertNoDiagnostics(run.Output);
        Snapshot.Verify("EveryParameterShape", run);
    }

    [Fact]
    public void DerivedComponentWithDefaultOverridesMatchesSnapshots()
    {
        var run = GeneratorHarness.Run(DerivedWithDefaults);
        GeneratorHarness.AssertNoDiagnostics(run.Output);
        Snapshot.Verify("DerivedWithDefaultOverrides", run);
    }

    [Fact]
    public void DerivedComponentInheritsDefaultsAndDescriptors()
    {
        var assembly = SeedCompilation.Emit(GeneratorHarness.Run(DerivedWithDefaults).Output);
        var configType = assembly.GetType("Plugin.Backbones.TinyCifarConfig")!;
        dynamic config = Activator.CreateInstance(configType)!;
        Assert.Equal(18, (int)config.Depth);
        Assert.Equal(new[] { 4 }, (int[])config.Widths);
        Assert.Equal(Reduction.Sum, (Reduction)config.Reduction);
        Assert.Equal(2.0, (double)config.Scale);
        Assert.Equal(0.1, (double)config.Dropout);
        Assert.Throws<ConfigValueException>(() => config.Depth = 19);

        var component = ((ComponentConfig)config).BuildComponent();
        Assert.Equal("TinyCifar", component.GetType().Name);
        Assert.Equal(18, ((dynamic)component).Depth);

        // JSON needs no depth: the derived config's constructor sets it.
        dynamic fromJson = JsonSerializer.Deserialize("""{ "dropout": 0.3, "reduction": "none" }""", configType)!;
        Assert.Equal(18, (int)fromJson.Depth);
        Assert.Equal(Reduction.None, (Reduction)fromJson.Reduction);

        var descriptor = (ComponentDescriptor)configType.GetProperty("Descriptor")!.GetValue(null)!;
        Assert.Equal("Tiny_CIFAR", descriptor.Name);
        Assert.Equal("Tiny", descriptor.BaseName);
        Assert.Equal(
            [("depth", false, "18", "Tiny"), ("widths", false, "[4]", "Tiny"), ("reduction", false, "\"sum\"", "Tiny"), ("scale", false, "2.0", "Tiny"), ("dropout", false, "0.1", null)],
            descriptor.Parameters.Select(parameter => (parameter.JsonName, parameter.Required, parameter.DefaultJson, parameter.DeclaredBy)));
        var baseDescriptor = (ComponentDescriptor)assembly.GetType("Plugin.Backbones.TinyConfig")!.GetProperty("Descriptor")!.GetValue(null)!;
        Assert.Equal(
            [("depth", true, null), ("widths", false, "[8, 16]"), ("reduction", false, "\"mean\""), ("scale", false, "1.0")],
            baseDescriptor.Parameters.Select(parameter => (parameter.JsonName, parameter.Required, parameter.DefaultJson)));
    }

    [Fact]
    public void DerivedComponentReadsItsBaseConfigFromAReferencedAssembly()
    {
        var baseRun = GeneratorHarness.Run(CompilationFactory.Create([DerivedWithDefaults.Split("/// <summary>Tiny for small images.</summary>")[0]], "BasePlugin"));
        GeneratorHarness.AssertNoDiagnostics(baseRun.Output);
        using var baseImage = new MemoryStream();
        Assert.True(baseRun.Output.Emit(baseImage).Success);

        const string Derived = """
            using ImageClassifier;
            using Plugin.Backbones;

            namespace OtherPlugin;

            /// <summary>Tiny from another plugin.</summary>
            [RegisterModel("Tiny_Wide")]
            [ParameterDefault(nameof(TinyConfig.Widths), new[] { 32, 64 })]
            public partial class TinyWide : Tiny
            {
                /// <param name="config">Tiny's arguments.</param>
                /// <param name="extra">One more.</param>
                public TinyWide(TinyConfig config, int extra = 1)
                    : base(config)
                {
                }
            }
            """;
        var reference = MetadataReference.CreateFromImage(baseImage.ToArray());
        var run = GeneratorHarness.Run(CompilationFactory.Create([Derived], "DerivedPlugin", [reference]));
        GeneratorHarness.AssertNoDiagnostics(run.Output);
        Snapshot.Verify("DerivedFromReferencedAssembly", run);

        var context = new AssemblyLoadContext("DerivedPlugin");
        var baseAssembly = context.LoadFromStream(new MemoryStream(baseImage.ToArray()));
        context.Resolving += (_, name) => name.Name == "BasePlugin" ? baseAssembly : null;
        using var image = new MemoryStream();
        Assert.True(run.Output.Emit(image).Success);
        image.Position = 0;
        var assembly = context.LoadFromStream(image);

        var configType = assembly.GetType("OtherPlugin.TinyWideConfig")!;
        Assert.Equal("TinyConfig", configType.BaseType!.Name);
        dynamic config = Activator.CreateInstance(configType)!;
        config.Depth = 34;
        Assert.Equal(new[] { 32, 64 }, (int[])config.Widths);
        Assert.Equal("TinyWide", ((object)config.Build()).GetType().Name);
        var descriptor = (ComponentDescriptor)configType.GetProperty("Descriptor")!.GetValue(null)!;
        Assert.Equal(["depth", "widths", "reduction", "scale", "extra"], descriptor.Parameters.Select(parameter => parameter.JsonName));
        Assert.Equal("[32, 64]", descriptor.Parameters[1].DefaultJson);
        Assert.True(descriptor.Parameters[0].Required);
    }

    [Fact]
    public void NullableEnumMembersUseTheSnakeCaseConverter()
    {
        // EveryShapeConfig is internal, like its component: reflection instead of dynamic.
        var assembly = SeedCompilation.Emit(GeneratorHarness.Run(EveryShape).Output);
        var configType = assembly.GetType("EveryShapeConfig")!;
        var config = JsonSerializer.Deserialize(
            """{ "class": null, "loss": null, "losses": [], "reduction_override": "sum", "mode": "reflect_padding", "to_rgb": false }""",
            configType)!;
        Assert.Equal(Reduction.Sum, configType.GetProperty("ReductionOverride")!.GetValue(config));
        Assert.Equal(false, configType.GetProperty("ToRGB")!.GetValue(config));
        var json = JsonSerializer.Serialize(config, configType);
        Assert.Contains("\"reduction_override\":\"sum\"", json, StringComparison.Ordinal);
        Assert.Contains("\"mode\":\"reflect_padding\"", json, StringComparison.Ordinal);
        Assert.Contains("\"reductions\":[\"sum\",\"none\"]", json, StringComparison.Ordinal);

        configType.GetProperty("ReductionOverride")!.SetValue(config, null);
        Assert.Contains("\"reduction_override\":null", JsonSerializer.Serialize(config, configType), StringComparison.Ordinal);
        var error = Assert.Throws<TargetInvocationException>(() => configType.GetProperty("Scale")!.SetValue(config, 0.0));
        Assert.IsType<ConfigValueException>(error.InnerException);
    }

    [Fact]
    public void AClassWithItsOwnConverterIsPassedThroughAndReadByThatConverter()
    {
        var source = Sources.Header + """
            using System.Text.Json;
            using System.Text.Json.Serialization;

            /// <summary>A standard deviation, or "inf".</summary>
            [JsonConverter(typeof(DeviationConverter))]
            public sealed class Deviation
            {
                public double Value { get; init; }
            }

            public sealed class DeviationConverter : JsonConverter<Deviation>
            {
                public override Deviation Read(ref Utf8JsonReader reader, System.Type typeToConvert, JsonSerializerOptions options) =>
                    new() { Value = reader.TokenType == JsonTokenType.String ? double.PositiveInfinity : reader.GetDouble() };

                public override void Write(Utf8JsonWriter writer, Deviation value, JsonSerializerOptions options)
                {
                    if (double.IsPositiveInfinity(value.Value))
                    {
                        writer.WriteStringValue("inf");
                    }
                    else
                    {
                        writer.WriteNumberValue(value.Value);
                    }
                }
            }

            [RegisterModel]
            public sealed class Jitter : Neck
            {
                public Jitter(Deviation? spread = null) : base("Jitter") => Spread = spread;

                public Deviation? Spread { get; }

                public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> x) => x;
            }
            """;
        var run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertNoDiagnostics(run.Output);
        Assert.Empty(CompilationFactory.Analyze(run.Output, new Generators.Diagnostics.ParameterTypeAnalyzer()));
        var assembly = SeedCompilation.Emit(run.Output);
        var configType = assembly.GetType("Plugin.JitterConfig")!;

        dynamic number = JsonSerializer.Deserialize("""{ "spread": 0.5 }""", configType)!;
        dynamic infinite = JsonSerializer.Deserialize("""{ "spread": "inf" }""", configType)!;

        Assert.Equal(0.5, (double)number.Spread.Value);
        Assert.Equal(double.PositiveInfinity, (double)((dynamic)((ComponentConfig)infinite).BuildComponent()).Spread.Value);
        Assert.Contains("\"spread\":\"inf\"", JsonSerializer.Serialize((object)infinite, configType), StringComparison.Ordinal);
        var descriptor = (ComponentDescriptor)configType.GetProperty("Descriptor")!.GetValue(null)!;
        Assert.Equal(("spread", "Deviation?", "null"), (descriptor.Parameters[0].JsonName, descriptor.Parameters[0].TypeDisplay, descriptor.Parameters[0].DefaultJson));
    }

    [Fact]
    public void ComponentTakingTheConfigOfAComponentOfTheSameProjectGetsThatConfigAsAMember()
    {
        // ClsDataPreprocessor(RandomBatchAugmentConfig): while the generator runs, the config it
        // takes does not exist yet; the component must still get its config, with the member typed.
        const string source = """
            using ImageClassifier;

            namespace Plugin.Samplers
            {
                [ComponentKind("sampler")]
                public abstract class Sampler
                {
                }

                [RegisterModel]
                public sealed class Inner : Sampler
                {
                    public Inner(int size = 2)
                    {
                        Size = size;
                    }

                    public int Size { get; }
                }
            }

            namespace Plugin.Outer
            {
                using Plugin.Samplers;

                [RegisterModel]
                public sealed class Outer : Sampler
                {
                    public Outer(InnerConfig? inner = null)
                    {
                        Built = (Inner?)inner?.Build();
                    }

                    public Inner? Built { get; }
                }
            }
            """;

        var run = GeneratorHarness.Run(source);
        var assembly = SeedCompilation.Emit(run.Output);
        var configType = assembly.GetType("Plugin.Outer.OuterConfig")!;
        Assert.Equal(assembly.GetType("Plugin.Samplers.InnerConfig"), configType.GetProperty("Inner")!.PropertyType);
        var config = (ComponentConfig)JsonSerializer.Deserialize("""{ "inner": { "size": 7 } }""", configType)!;
        var built = config.BuildComponent();
        var inner = built.GetType().GetProperty("Built")!.GetValue(built)!;
        Assert.Equal(7, inner.GetType().GetProperty("Size")!.GetValue(inner));
    }

    [Fact]
    public void RequiredNestedConfigThatIsNullFailsToBuildNamingTheMember()
    {
        var assembly = SeedCompilation.Emit(GeneratorHarness.Run(EveryShape).Output);
        var config = (ComponentConfig)JsonSerializer.Deserialize("""{ "class": "x", "loss": null, "losses": [] }""", assembly.GetType("EveryShapeConfig")!)!;
        var error = Assert.Throws<ConfigValueException>(config.BuildComponent);
        Assert.Equal("loss must be a loss config, but got null.", error.Message);
    }

    [Fact]
    public void ConstraintsAreCopiedOntoConfigMembersForTheConstraintAnalyzer()
    {
        var source = Sources.Header + Sources.TinyBackbone + """
            public static class Usage
            {
                public static TinyConfig Create() => new TinyConfig { Depth = 19 };
            }
            """;
        var run = GeneratorHarness.Run(source);
        var depth = run.Output.GetTypeByMetadataName("Plugin.TinyConfig")!.GetMembers("Depth").OfType<IPropertySymbol>().Single();
        var oneOf = Assert.Single(depth.GetAttributes(), attribute => attribute.AttributeClass?.Name == "OneOfAttribute");
        Assert.Equal([18, 34], oneOf.ConstructorArguments.Single().Values.Select(value => (int)value.Value!));

        var diagnostic = Assert.Single(CompilationFactory.Analyze(run.Output, new Generators.Diagnostics.ConstraintAnalyzer()));
        Assert.Equal("ICG009", diagnostic.Id);
        Assert.Equal("Source0.cs", diagnostic.Location.SourceTree?.FilePath);
    }

    [Fact]
    public void NoProviderWithoutComponents()
    {
        var run = GeneratorHarness.Run("namespace Empty { public sealed class Nothing { } }");
        Assert.Empty(run.Sources);
        GeneratorHarness.AssertNoDiagnostics(run.Output);
    }

    [Theory]
    [InlineData("public class NotPartial : Neck { public NotPartial() : base(\"n\") { } public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> x) => x; }")]
    [InlineData("public abstract partial class Abstract : Neck { protected Abstract() : base(\"n\") { } }")]
    [InlineData("public sealed class Generic<T> : Neck { public Generic() : base(\"n\") { } public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> x) => x; }")]
    [InlineData("public sealed class NoKind { }")]
    [InlineData("public sealed class Hidden : Neck { private Hidden() : base(\"n\") { } public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> x) => x; }")]
    [InlineData("public sealed class Unsupported : Neck { public Unsupported(List<int> sizes) : base(\"n\") { } public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> x) => x; }")]
    [InlineData("public sealed class Reserved : Neck { public Reserved(int type) : base(\"n\") { } public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> x) => x; }")]
    [InlineData("public sealed class Clash : Neck { public Clash(int outIndices, int out_indices) : base(\"n\") { } public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> x) => x; }")]
    public void InvalidComponentsAreSkippedAndReported(string declaration)
    {
        var source = $$"""
            using System.Collections.Generic;
            using ImageClassifier;
            using static TorchSharp.torch;

            namespace Invalid;

            [RegisterModel("Invalid")]
            {{declaration}}
            """;
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.Sources);
        var diagnostics = CompilationFactory.Analyze(run.Output, GeneratorHarness.AllAnalyzers());
        Assert.Contains(diagnostics, diagnostic => diagnostic.Id.StartsWith("ICG", StringComparison.Ordinal) && diagnostic.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void ValidComponentsGetNoDiagnosticFromAnyAnalyzer()
    {
        foreach (var compilation in new[] { SeedCompilation.Run.Output, GeneratorHarness.Run(EveryShape).Output, GeneratorHarness.Run(DerivedWithDefaults).Output })
        {
            // ICG022 is about run-time reliability, not registration: these sources use
            // TorchSharp's nn.BatchNorm2d as the seed page does, which it rightly warns about.
            Assert.Empty(CompilationFactory.Analyze(compilation, GeneratorHarness.AllAnalyzers())
                .Where(diagnostic => diagnostic.Id != TemporaryScalarAnalyzer.DiagnosticId));
        }
    }

    [Fact]
    public void ChangingADefaultRegeneratesTheComponent()
    {
        var compilation = CompilationFactory.Create(LinearHead);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(
            tree,
            CSharpSyntaxTree.ParseText(LinearHead.Replace("Loss? loss = null, [DefaultItems(1)]", "Loss? loss = null, [DefaultItems(1, 5)]", StringComparison.Ordinal), CompilationFactory.ParseOptions, tree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        GeneratorHarness.AssertStepReasons(result, TrackingNames.Components, IncrementalStepRunReason.Modified);
        GeneratorHarness.AssertStepReasons(result, TrackingNames.ValidComponents, IncrementalStepRunReason.Modified);
        GeneratorHarness.AssertStepReasons(result, TrackingNames.ProviderEntries, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.Contains("new int[] { 1, 5 }", result.GeneratedSources.Single(source => source.HintName == "Plugin.Heads.LinearClsHeadConfig.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EditingABaseComponentInAnotherFileUpdatesTheDerivedOne()
    {
        const string Derived = """
            using ImageClassifier;

            namespace Plugin;

            [RegisterModel("Tiny_Narrow")]
            [ParameterDefault(nameof(TinyConfig.Width), 4)]
            public sealed class TinyNarrow : Tiny
            {
                public TinyNarrow(TinyConfig config) : base(config) { }
            }
            """;
        var compilation = CompilationFactory.Create([Sources.Header + Sources.TinyBackbone, Derived]);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Contains("Plugin.TinyNarrowConfig.g.cs", driver.GetRunResult().Results.Single().GeneratedSources.Select(source => source.HintName));

        // The base no longer has the member the derived component gives a default: it becomes invalid.
        var baseTree = compilation.SyntaxTrees.First();
        var renamed = (Sources.Header + Sources.TinyBackbone).Replace("int width = 8", "int height = 8", StringComparison.Ordinal);
        var edited = compilation.ReplaceSyntaxTree(baseTree, CSharpSyntaxTree.ParseText(renamed, CompilationFactory.ParseOptions, baseTree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.DoesNotContain("Plugin.TinyNarrowConfig.g.cs", result.GeneratedSources.Select(source => source.HintName));
        Assert.Contains("Plugin.TinyConfig.g.cs", result.GeneratedSources.Select(source => source.HintName));
    }

    [Fact]
    public void AddingAComponentChangesOnlyTheProvider()
    {
        var compilation = CompilationFactory.Create(LinearHead);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var added = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            """
            namespace Plugin.Necks;

            [ImageClassifier.RegisterModel]
            public sealed class Identity : ImageClassifier.Neck
            {
                public Identity() : base("Identity") { }

                public override System.Collections.Generic.IReadOnlyList<TorchSharp.torch.Tensor> forward(System.Collections.Generic.IReadOnlyList<TorchSharp.torch.Tensor> input) => input;
            }
            """,
            CompilationFactory.ParseOptions,
            "Added.cs"));
        var result = driver.RunGenerators(added).GetRunResult().Results.Single();

        var reasons = result.TrackedSteps[TrackingNames.ValidComponents].SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
        Assert.Equal(1, reasons.Count(reason => reason == IncrementalStepRunReason.New));
        Assert.Equal(1, reasons.Count(reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        GeneratorHarness.AssertStepReasons(result, TrackingNames.Provider, IncrementalStepRunReason.Modified);
    }
}
