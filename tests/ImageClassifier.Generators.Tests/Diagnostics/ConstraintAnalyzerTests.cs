using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Generators.Tests.TestHelpers;
using Microsoft.CodeAnalysis;

namespace ImageClassifier.Generators.Tests.Diagnostics;

public sealed class ConstraintAnalyzerTests
{
    // Source0.cs of most cases: a config-like class with constrained properties and a
    // component-like class with constrained constructor parameters. Cases put their usage in
    // Source1.cs, so line numbers below count from a short file.
    private const string Declarations = """
        using System.Collections.Generic;
        using ImageClassifier;

        namespace Sample;

        public enum Mode { Fast, SlowAndSteady }

        public sealed class NetConfig
        {
            [OneOf(18, 34, 50)] public int Depth { get; set; } = 50;
            [ValueRange(0, 3)] public int[]? OutIndices { get; set; }
            [ValueRange(0, 1, MinimumExclusive = true, MaximumExclusive = true)] public double DropRate { get; set; } = 0.5;
            [OneOf("pytorch", "caffe")] public string? Style { get; set; } = "pytorch";
            [OneOf(Mode.Fast)] public Mode? RunMode { get; set; }
            [ValueRange(Minimum = 1)] public List<int> Strides { get; set; } = [1, 2];
            public int Plain { get; set; }
        }

        public class Net
        {
            public Net(
                [OneOf(18, 34, 50)] int depth = 50,
                [ValueRange(0, 3)] int[]? outIndices = null,
                [ValueRange(Minimum = 0, MinimumExclusive = true)] float scale = 1f,
                [OneOf("pytorch", "caffe")] string? style = null)
            {
            }

            public static void Configure([OneOf(18, 34, 50)] int depth, [ValueRange(0, 3)] params int[] indices)
            {
            }
        }
        """;

    private static readonly string MessageOf009 = MessageFormat("ICG009");

    [Fact]
    public void Object_initializer_constant_outside_OneOf_is_reported_at_the_constant()
    {
        var diagnostics = Analyze(Declarations, """
            using Sample;

            public static class Usage
            {
                public static NetConfig Make() => new() { Depth = 19, Plain = 19 };
            }
            """);

        var diagnostic = Assert.Single(diagnostics);
        AssertDiagnostic(diagnostic, "ICG009", "Source1.cs", 5, 55,
            "'Depth' must be one of 18, 34, 50, but this sets it to 19; use a value the constraint allows");
    }

    [Fact]
    public void Plain_assignments_are_checked_for_numbers_strings_enums_and_exclusive_ranges()
    {
        var diagnostics = Analyze(Declarations, """
            using Sample;

            public static class Usage
            {
                public static void Change(NetConfig config)
                {
                    config.Depth = 101;
                    config.Style = "PyTorch";
                    config.RunMode = Mode.SlowAndSteady;
                    config.DropRate = 1;
                }
            }
            """);

        Assert.Equal(4, diagnostics.Length);
        AssertDiagnostic(diagnostics[0], "ICG009", "Source1.cs", 7, 24,
            "'Depth' must be one of 18, 34, 50, but this sets it to 101; use a value the constraint allows");
        AssertDiagnostic(diagnostics[1], "ICG009", "Source1.cs", 8, 24,
            "'Style' must be one of \"pytorch\", \"caffe\", but this sets it to \"PyTorch\"; use a value the constraint allows");
        AssertDiagnostic(diagnostics[2], "ICG009", "Source1.cs", 9, 26,
            "'RunMode' must be one of \"fast\", but this sets it to \"slow_and_steady\"; use a value the constraint allows");
        AssertDiagnostic(diagnostics[3], "ICG009", "Source1.cs", 10, 27,
            "'DropRate' must be > 0 and < 1, but this sets it to 1; use a value the constraint allows");
    }

    [Fact]
    public void With_expressions_and_coalescing_assignments_are_checked()
    {
        var diagnostics = Analyze("""
            using ImageClassifier;

            public sealed record Shape([property: OneOf(1, 2)] int Size)
            {
                public static Shape Grow(Shape shape) => shape with { Size = 3 };
            }

            public sealed class Options
            {
                [OneOf("a")] public string? Name { get; set; }

                public void Fill() => Name ??= "b";
            }
            """);

        Assert.Equal(2, diagnostics.Length);
        AssertDiagnostic(diagnostics[0], "ICG009", "Source0.cs", 5, 66,
            "'Size' must be one of 1, 2, but this sets it to 3; use a value the constraint allows");
        AssertDiagnostic(diagnostics[1], "ICG009", "Source0.cs", 12, 36,
            "'Name' must be one of \"a\", but this sets it to \"b\"; use a value the constraint allows");
    }

    [Fact]
    public void Each_offending_item_of_an_array_or_collection_is_reported_at_the_item()
    {
        var diagnostics = Analyze(Declarations, """
            using Sample;

            public static class Usage
            {
                public static void Change(NetConfig config)
                {
                    config.OutIndices = new[] { 0, 9 };
                    config.OutIndices = [0, 4, -1];
                    config.Strides = new System.Collections.Generic.List<int> { 2, 0 };
                    config.Strides = [3, .. config.Strides, 0];
                }
            }
            """);

        Assert.Equal(5, diagnostics.Length);
        AssertDiagnostic(diagnostics[0], "ICG009", "Source1.cs", 7, 40,
            "'OutIndices' must be between 0 and 3, but this sets it to 9; use a value the constraint allows");
        AssertDiagnostic(diagnostics[1], "ICG009", "Source1.cs", 8, 33,
            "'OutIndices' must be between 0 and 3, but this sets it to 4; use a value the constraint allows");
        AssertDiagnostic(diagnostics[2], "ICG009", "Source1.cs", 8, 36,
            "'OutIndices' must be between 0 and 3, but this sets it to -1; use a value the constraint allows");
        AssertDiagnostic(diagnostics[3], "ICG009", "Source1.cs", 9, 72,
            "'Strides' must be >= 1, but this sets it to 0; use a value the constraint allows");
        AssertDiagnostic(diagnostics[4], "ICG009", "Source1.cs", 10, 49,
            "'Strides' must be >= 1, but this sets it to 0; use a value the constraint allows");
    }

    [Fact]
    public void Positional_named_params_and_base_arguments_are_checked()
    {
        var diagnostics = Analyze(Declarations, """
            using Sample;

            public sealed class TinyNet : Net
            {
                public TinyNet()
                    : base(depth: 19)
                {
                }

                public static object Make()
                {
                    Net.Configure(34, 1, 5);
                    return new Net(152, outIndices: [2, 7], scale: 0, style: "tf");
                }
            }
            """);

        Assert.Equal(6, diagnostics.Length);
        AssertDiagnostic(diagnostics[0], "ICG009", "Source1.cs", 6, 23,
            "'depth' must be one of 18, 34, 50, but this sets it to 19; use a value the constraint allows");
        AssertDiagnostic(diagnostics[1], "ICG009", "Source1.cs", 12, 30,
            "'indices' must be between 0 and 3, but this sets it to 5; use a value the constraint allows");
        AssertDiagnostic(diagnostics[2], "ICG009", "Source1.cs", 13, 24,
            "'depth' must be one of 18, 34, 50, but this sets it to 152; use a value the constraint allows");
        AssertDiagnostic(diagnostics[3], "ICG009", "Source1.cs", 13, 45,
            "'outIndices' must be between 0 and 3, but this sets it to 7; use a value the constraint allows");
        AssertDiagnostic(diagnostics[4], "ICG009", "Source1.cs", 13, 56,
            "'scale' must be > 0, but this sets it to 0; use a value the constraint allows");
        AssertDiagnostic(diagnostics[5], "ICG009", "Source1.cs", 13, 66,
            "'style' must be one of \"pytorch\", \"caffe\", but this sets it to \"tf\"; use a value the constraint allows");
    }

    [Fact]
    public void Values_inside_their_constraints_nulls_and_non_constants_give_no_diagnostic()
    {
        var diagnostics = Analyze(Declarations, """
            using Sample;

            public sealed class TinyNet : Net
            {
                public TinyNet(int depth)
                    : base(depth, null, 0.5f, "caffe")
                {
                }

                public static object Make(int depth, int[] indices, string style)
                {
                    Net.Configure(depth);
                    Net.Configure(18, 0, 3, depth * 10);
                    _ = new Net();
                    _ = new Net(depth: 34 + 16, outIndices: [0, .. indices, 3], style: style);
                    var config = new NetConfig { Depth = 18, OutIndices = null, DropRate = 0.999, Style = null, RunMode = null, Strides = [1, depth] };
                    config.RunMode = Mode.Fast;
                    config.Depth = depth;
                    config.Depth = int.Parse("19");
                    config.Plain = -7;
                    return config;
                }
            }
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Parameter_defaults_property_initializers_and_default_items_are_checked_at_the_default()
    {
        var diagnostics = Analyze("""
            using ImageClassifier;

            public class Bad
            {
                public Bad(
                    [OneOf(18, 34)] int depth = 19,
                    [ValueRange(0, 3)][DefaultItems(1, 4)] int[]? outIndices = null,
                    [OneOf(Reduction.Mean)] Reduction reduction = Reduction.Sum,
                    [ValueRange(Maximum = 1)] double? ratio = 2)
                {
                }

                [ValueRange(Maximum = 1)] public double Ratio { get; set; } = 1.5;
            }

            public sealed class Good([OneOf(18, 34)] int depth = 34, [ValueRange(0, 3)][DefaultItems(1, 3)] int[]? outIndices = null)
            {
                [OneOf("mean", "sum")] public string Reduce { get; set; } = "sum";
            }
            """);

        Assert.Equal(5, diagnostics.Length);
        AssertDiagnostic(diagnostics[0], "ICG013", "Source0.cs", 6, 37,
            "The default of 'depth' must be one of 18, 34, but it is 19; change the default or the constraint");
        AssertDiagnostic(diagnostics[1], "ICG013", "Source0.cs", 7, 44,
            "The default of 'outIndices' must be between 0 and 3, but it is 4; change the default or the constraint");
        AssertDiagnostic(diagnostics[2], "ICG013", "Source0.cs", 8, 55,
            "The default of 'reduction' must be one of \"mean\", but it is \"sum\"; change the default or the constraint");
        AssertDiagnostic(diagnostics[3], "ICG013", "Source0.cs", 9, 51,
            "The default of 'ratio' must be <= 1, but it is 2; change the default or the constraint");
        AssertDiagnostic(diagnostics[4], "ICG013", "Source0.cs", 13, 67,
            "The default of 'Ratio' must be <= 1, but it is 1.5; change the default or the constraint");
    }

    [Fact]
    public void Default_items_written_as_an_array_are_reported_item_by_item()
    {
        var diagnostics = Analyze("""
            using ImageClassifier;

            public class Bad([ValueRange(0, 3)][DefaultItems(new object[] { 5, 1 })] int[]? outIndices = null);
            """);

        var diagnostic = Assert.Single(diagnostics);
        AssertDiagnostic(diagnostic, "ICG013", "Source0.cs", 3, 65,
            "The default of 'outIndices' must be between 0 and 3, but it is 5; change the default or the constraint");
    }

    [Fact]
    public void Constraints_that_cannot_apply_are_reported_at_the_attribute()
    {
        var diagnostics = Analyze("""
            using ImageClassifier;

            public class Odd
            {
                public Odd(
                    [OneOf(1, 2)] bool flag,
                    [OneOf("a")] int count,
                    [OneOf(1)] Reduction reduction,
                    [ValueRange(0, 1)] string name,
                    [ValueRange(5, 1)] int[] sizes,
                    [ValueRange(Minimum = 1, Maximum = 1, MaximumExclusive = true)] double rate,
                    [OneOf] string empty)
                {
                }

                [OneOf(1, 2)] public object? Value { get; set; }
            }

            public static class Usage
            {
                public static Odd Make() => new(true, 7, Reduction.Sum, "x", [9], 1, "e") { Value = 3 };
            }
            """);

        Assert.Equal(8, diagnostics.Length);
        AssertDiagnostic(diagnostics[0], "ICG015", "Source0.cs", 6, 10,
            "[OneOf] cannot constrain 'flag' of type 'bool'; [OneOf] applies to numbers, strings and enums, or arrays and nullables of these; remove it or change the type");
        AssertDiagnostic(diagnostics[1], "ICG015", "Source0.cs", 7, 10,
            "[OneOf] cannot constrain 'count' of type 'int'; its value \"a\" is not a number, so no value of the member could equal it; list values of type 'int'");
        AssertDiagnostic(diagnostics[2], "ICG015", "Source0.cs", 8, 10,
            "[OneOf] cannot constrain 'reduction' of type 'Reduction'; its value 1 is not a Reduction value, so no value of the member could equal it; list values of type 'Reduction'");
        AssertDiagnostic(diagnostics[3], "ICG015", "Source0.cs", 9, 10,
            "[ValueRange] cannot constrain 'name' of type 'string'; [ValueRange] applies only to numbers, or arrays and nullables of numbers; remove it, or use [OneOf] for strings and enums");
        AssertDiagnostic(diagnostics[4], "ICG015", "Source0.cs", 10, 10,
            "[ValueRange] cannot constrain 'sizes' of type 'int[]'; its minimum 5 is greater than its maximum 1; swap the bounds");
        AssertDiagnostic(diagnostics[5], "ICG015", "Source0.cs", 11, 10,
            "[ValueRange] cannot constrain 'rate' of type 'double'; it excludes 1, its only value, so nothing could satisfy it; make the bounds inclusive or widen the range");
        AssertDiagnostic(diagnostics[6], "ICG015", "Source0.cs", 12, 10,
            "[OneOf] cannot constrain 'empty' of type 'string'; it lists no values, so nothing could satisfy it; list the allowed values");
        AssertDiagnostic(diagnostics[7], "ICG015", "Source0.cs", 16, 6,
            "[OneOf] cannot constrain 'Value' of type 'object?'; [OneOf] applies to numbers, strings and enums, or arrays and nullables of these; remove it or change the type");
    }

    [Fact]
    public void Constraints_that_apply_and_constraints_the_analyzer_cannot_run_give_no_diagnostic()
    {
        var diagnostics = Analyze("""
            using ImageClassifier;

            public sealed class EvenAttribute : ConstraintAttribute
            {
                public override string Expectation => "even";

                public override bool IsSatisfiedBy(object? value) => value is int number && number % 2 == 0;
            }

            public class Fine(
                [OneOf(0.5, 1)] float? scale,
                [OneOf("a", "b")] string[] names,
                [OneOf(Reduction.Mean, Reduction.Sum)] Reduction?[] reductions,
                [ValueRange] double anything,
                [ValueRange(2, 2)] long two,
                [Even] int even)
            {
                public static Fine Make() => new(1, ["a"], [Reduction.Sum, null], double.MaxValue, 2L, 3);
            }
            """);

        Assert.Empty(diagnostics);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Constrained_members_from_a_referenced_assembly_are_checked(bool emitted)
    {
        var library = CompilationFactory.Create(Declarations, "SampleLibrary");
        Assert.Empty(library.GetDiagnostics().Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error));
        MetadataReference reference = emitted ? MetadataReference.CreateFromImage(Emit(library)) : library.ToMetadataReference();
        var consumer = CompilationFactory.Create(
            ["""
            using Sample;

            public static class Usage
            {
                public static object Make() => new NetConfig { Depth = 19, OutIndices = [1, 3] };

                public static object Build() => new Net(outIndices: [0, 7], style: "caffe");
            }
            """],
            "Consumer",
            [reference]);

        var diagnostics = Analyze(consumer);

        Assert.Equal(2, diagnostics.Length);
        AssertDiagnostic(diagnostics[0], "ICG009", "Source0.cs", 5, 60,
            "'Depth' must be one of 18, 34, 50, but this sets it to 19; use a value the constraint allows");
        AssertDiagnostic(diagnostics[1], "ICG009", "Source0.cs", 7, 61,
            "'outIndices' must be between 0 and 3, but this sets it to 7; use a value the constraint allows");
    }

    // Each case compiles a probe, asks the analyzer, then runs the probe and asks the real
    // attribute: the verdict, the expectation text and the value's spelling must all agree.
    public static TheoryData<string, string, string, bool> RuntimeCases { get; } = new()
    {
        { "[OneOf(18, 34, 50)]", "int", "19", true },
        { "[OneOf(18, 34, 50)]", "int", "34", false },
        { "[OneOf(18, 34)]", "int", "default", true },
        { "[OneOf(18, 34)]", "int?", "19", true },
        { "[OneOf(0.5, 1)]", "double", "1", false },
        { "[OneOf(0.5, 1)]", "float", "0.5f", false },
        { "[OneOf(1, 2)]", "long", "3L", true },
        { "[OneOf(1, 2.5)]", "decimal", "2.5m", false },
        { "[OneOf(\"pytorch\", \"caffe\")]", "string", "\"PyTorch\"", true },
        { "[OneOf(\"pytorch\", \"caffe\")]", "string", "\"caffe\"", false },
        { "[OneOf(\"pytorch\")]", "string?", "null", false },
        { "[OneOf(Mode.Fast)]", "Mode", "Mode.SlowAndSteady", true },
        { "[OneOf(Mode.Fast)]", "Mode", "Mode.XMLReader", true },
        { "[OneOf(Mode.Fast)]", "Mode", "Mode.SHA512Hash", true },
        { "[OneOf(Mode.Fast)]", "Mode", "Mode.Already_Snake", true },
        { "[OneOf(Mode.Fast)]", "Mode", "Mode.IOStream2D", true },
        { "[OneOf(Mode.Fast)]", "Mode", "(Mode)42", true },
        { "[OneOf(Mode.Fast, Mode.XMLReader)]", "Mode?", "Mode.XMLReader", false },
        { "[ValueRange(0, 0.1)]", "float", "0.1f", true },
        { "[ValueRange(0, 0.1)]", "double", "0.1", false },
        { "[ValueRange(0, 0.1)]", "double?", "0.1f", true },
        { "[ValueRange(Minimum = 0, MinimumExclusive = true)]", "double", "0", true },
        { "[ValueRange(Maximum = 1, MaximumExclusive = true)]", "double", "1", true },
        { "[ValueRange(0, 1, MaximumExclusive = true)]", "double", "1", true },
        { "[ValueRange(0, 1, MinimumExclusive = true, MaximumExclusive = true)]", "double", "0.5", false },
        { "[ValueRange(Maximum = 1)]", "decimal", "1.50m", true },
        { "[ValueRange(0, 1)]", "double", "double.NaN", true },
        { "[ValueRange]", "double", "double.NaN", true },
        { "[ValueRange(Minimum = 0)]", "double", "double.PositiveInfinity", false },
        { "[ValueRange(Maximum = 0)]", "double", "double.PositiveInfinity", true },
        { "[ValueRange(1e-5, 1e20)]", "double", "1e21", true },
        { "[ValueRange(0, 255)]", "byte", "(byte)200", false },
        { "[ValueRange(0, 3)]", "ulong", "ulong.MaxValue", true },
        { "[ValueRange(-1, 1)]", "sbyte", "(sbyte)-2", true },
        { "[ValueRange(Minimum = -0.5)]", "short", "(short)-1", true },
    };

    [Theory]
    [MemberData(nameof(RuntimeCases))]
    public void Verdict_and_message_agree_with_the_runtime_attribute(string constraint, string type, string literal, bool breaks)
    {
        var compilation = CompilationFactory.Create($$"""
            using ImageClassifier;

            namespace Probe;

            public enum Mode { Fast, SlowAndSteady, XMLReader, SHA512Hash, Already_Snake, IOStream2D }

            public static class Holder
            {
                {{constraint}} public static {{type}} Value { get; set; }

                public static void Assign() => Value = {{literal}};
            }
            """, "Probe");

        var diagnostics = Analyze(compilation);
        var (attribute, value) = RunProbe(compilation);

        Assert.Equal(breaks, !attribute.IsSatisfiedBy(value));
        if (breaks)
        {
            var diagnostic = Assert.Single(diagnostics);
            Assert.Equal("ICG009", diagnostic.Id);
            Assert.Equal(
                string.Format(CultureInfo.InvariantCulture, MessageOf009, "Value", attribute.Expectation, ConfigLiteral.Format(value)),
                diagnostic.GetMessage(CultureInfo.InvariantCulture));
        }
        else
        {
            Assert.Empty(diagnostics);
        }
    }

    [Fact]
    public void Help_links_point_at_sections_of_the_diagnostics_page()
    {
        var headings = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"))
            .Where(line => line.StartsWith("## ", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        foreach (var descriptor in new ConstraintAnalyzer().SupportedDiagnostics)
        {
            Assert.Equal($"docs/diagnostics.md#{descriptor.Id.ToLowerInvariant()}", descriptor.HelpLinkUri);
            Assert.Contains($"## {descriptor.Id}", headings);
        }
    }

    private static Diagnostic[] Analyze(params string[] sources) => Analyze(CompilationFactory.Create(sources));

    private static Diagnostic[] Analyze(Compilation compilation)
    {
        // A case that does not compile would test nothing.
        Assert.Empty(compilation.GetDiagnostics().Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error));
        return [.. CompilationFactory.Analyze(compilation, new ConstraintAnalyzer())
            .OrderBy(diagnostic => diagnostic.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(diagnostic => diagnostic.Location.SourceSpan.Start)];
    }

    private static void AssertDiagnostic(Diagnostic diagnostic, string id, string file, int line, int column, string message)
    {
        var position = diagnostic.Location.GetLineSpan();
        Assert.Equal(
            (id, file, line, column, message),
            (diagnostic.Id, position.Path, position.StartLinePosition.Line + 1, position.StartLinePosition.Character + 1, diagnostic.GetMessage(CultureInfo.InvariantCulture)));
    }

    private static string MessageFormat(string id) =>
        new ConstraintAnalyzer().SupportedDiagnostics.Single(descriptor => descriptor.Id == id).MessageFormat.ToString(CultureInfo.InvariantCulture);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ImageClassifier.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ImageClassifier.sln not found above " + AppContext.BaseDirectory);
    }

    private static ImmutableArray<byte> Emit(Compilation compilation)
    {
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return [.. image.ToArray()];
    }

    private static (ConstraintAttribute Attribute, object? Value) RunProbe(Compilation compilation)
    {
        var context = new AssemblyLoadContext("ConstraintProbe", isCollectible: true);
        try
        {
            using var image = new MemoryStream([.. Emit(compilation)]);
            var holder = context.LoadFromStream(image).GetType("Probe.Holder", throwOnError: true)!;
            holder.GetMethod("Assign")!.Invoke(null, null);
            var property = holder.GetProperty("Value")!;
            return (property.GetCustomAttribute<ConstraintAttribute>()!, property.GetValue(null));
        }
        finally
        {
            context.Unload();
        }
    }
}
