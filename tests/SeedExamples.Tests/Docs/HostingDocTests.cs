using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using ImageClassifier;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Tests.TestHelpers;
using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SeedExamples.Tests.Docs;

/// <summary>
/// docs/hosting.md's complete host app, compiled from the document itself and run: the quick start
/// from its JSON config and written in C#, trained, tested and used to classify a file, a stream
/// and bytes. The C# definition must equal the one bound from configs/quickstart.json.
/// </summary>
public sealed partial class HostingDocTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "icls-hosting-doc", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_host_app_of_the_docs_compiles_and_trains_the_quick_start_from_json_and_from_csharp()
    {
        var program = CompileDocProgram();
        var dataRoot = Path.Combine(root, "data");
        Fixtures.WriteMnist(dataRoot, train: 48, test: 24, side: 28);
        var workDir = Path.Combine(root, "work");
        Directory.CreateDirectory(workDir);

        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        int exitCode;
        try
        {
            exitCode = (int)program.EntryPoint!.Invoke(null, [new[] { QuickstartConfig, dataRoot, workDir, "1" }])!;
        }
        finally
        {
            Console.SetOut(console);
        }

        var text = output.ToString();
        Assert.True(exitCode == 0, text);
        Assert.Matches(@"JSON run: 1 epochs, test top-1 \d+\.\d\d", text);
        Assert.Matches(@"C# run: 1 epochs, test top-1 \d+\.\d\d", text);
        Assert.True(File.Exists(Path.Combine(workDir, "json", "epoch_1.pth")), text);
        Assert.True(File.Exists(Path.Combine(workDir, "csharp", "epoch_1.pth")), text);

        // The three inputs are the same image, so they must get the same class and score.
        var prediction = Prediction().Match(text);
        Assert.True(prediction.Success, text);
        Assert.Equal(prediction.Groups["file"].Value, prediction.Groups["stream"].Value);
        Assert.Equal(prediction.Groups["file"].Value, prediction.Groups["bytes"].Value);
    }

    [Fact]
    public void The_quick_start_written_in_csharp_equals_the_one_bound_from_its_json_config()
    {
        var program = CompileDocProgram();
        var quickStart = program.GetTypes().SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
            .Single(method => method.Name.Contains("QuickStart", StringComparison.Ordinal));
        var fromCode = (RunDefinition)quickStart.Invoke(null, ["data/fashion-mnist-subset", 7])!;

        var backbones = program.GetReferencedAssemblies().Single(name => name.Name == "SeedExamples");
        var seedExamples = AssemblyLoadContext.GetLoadContext(program)!.LoadFromAssemblyName(backbones);
        var host = ImageClassifierHost.Create(new HostOptions
        {
            CatalogFactory = () =>
            {
                var catalog = BuiltInComponents.CreateCatalog();
                catalog.RegisterAssembly(seedExamples, "SeedExamples");
                return catalog;
            },
            DefaultPluginDirectory = null,
            ReadEnvironmentVariable = null,
        });
        var fromJson = host.LoadRun(QuickstartConfig);

        Assert.Equal(fromJson.Model, fromCode.Model);
        // num_workers has no effect here (one thread prepares batches), so the C# run leaves it out.
        Assert.Equal(fromJson.TrainDataloader! with { NumWorkers = 0 }, fromCode.TrainDataloader);
        Assert.Equal(fromJson.ValDataloader! with { NumWorkers = 0 }, fromCode.ValDataloader);
        Assert.Equal(fromJson.TestDataloader! with { NumWorkers = 0 }, fromCode.TestDataloader);
        Assert.Equal(fromJson.ValEvaluator, fromCode.ValEvaluator);
        Assert.Equal(fromJson.TestEvaluator, fromCode.TestEvaluator);
        Assert.Equal(fromJson.OptimWrapper, fromCode.OptimWrapper);
        Assert.Equal(fromJson.ParamSchedulers, fromCode.ParamSchedulers);
        Assert.Equal(fromJson.TrainLoop, fromCode.TrainLoop);
        Assert.Equal(fromJson.Checkpoint, fromCode.Checkpoint);
        Assert.Equal(fromJson.LoggerInterval, fromCode.LoggerInterval);
        Assert.Equal(fromJson.Seed, fromCode.Seed);
        Assert.Equal(fromJson.AutoScaleBaseBatchSize, fromCode.AutoScaleBaseBatchSize);
    }

    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(SourceFolder(), "..", "..", ".."));

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;

    private static string QuickstartConfig => Path.Combine(RepositoryRoot, "configs", "quickstart.json");

    private static readonly Lazy<Assembly> Compiled = new(Compile);

    private static Assembly CompileDocProgram() => Compiled.Value;

    // The one C# block of docs/hosting.md, compiled as a program against the libraries a host app
    // references and the sample plugin's assembly, in a load context of its own so that the
    // plugin's types never meet the copies the other tests load as a plugin.
    private static Assembly Compile()
    {
        var markdown = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "hosting.md"));
        var blocks = CSharpBlock().Matches(markdown);
        Assert.Single(blocks);
        var source = blocks[0].Groups["code"].Value;

        var pluginFolder = Path.Combine(AppContext.BaseDirectory, "SamplePlugins", "SeedExamples");
        var pluginPath = Path.Combine(pluginFolder, "SeedExamples.dll");
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = platform
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .Append(pluginPath)
            .Where(path => IsManaged(path))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(group => MetadataReference.CreateFromFile(group.First()));
        var compilation = CSharpCompilation.Create(
            "HostingDocProgram",
            [
                CSharpSyntaxTree.ParseText(source, Parsing, path: "docs/hosting.md"),
                CSharpSyntaxTree.ParseText(ImplicitUsings, Parsing, path: "ImplicitUsings.cs"),
            ],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(emitted.Success, "docs/hosting.md does not compile:\n" + string.Join("\n", errors));

        var context = new DocProgramLoadContext(pluginFolder);
        image.Position = 0;
        return context.LoadFromStream(image);
    }

    private static readonly CSharpParseOptions Parsing = new(LanguageVersion.Latest);

    // What Microsoft.NET.Sdk adds to a console project with ImplicitUsings enabled.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static bool IsManaged(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"sample\.png: (?<file>\S+ \([\d.]+ ?%\)); from a stream: (?<stream>\S+ \([\d.]+ ?%\)), from bytes: (?<bytes>\S+ \([\d.]+ ?%\))")]
    private static partial Regex Prediction();

    private sealed class DocProgramLoadContext(string pluginFolder) : AssemblyLoadContext("hosting-doc")
    {
        protected override Assembly? Load(AssemblyName name) =>
            name.Name == "SeedExamples" ? LoadFromAssemblyPath(Path.Combine(pluginFolder, "SeedExamples.dll")) : null;
    }
}
