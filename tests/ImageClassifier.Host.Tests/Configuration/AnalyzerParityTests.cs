using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Binding.TestComponents.Backbones;
using ImageClassifier.Generators.Diagnostics;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Tests.Binding;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Hosting.Tests.Configuration;

/// <summary>
/// Issue 11, item 5: the build-time config analyzer (ICG017..ICG021, run as a build runs it over
/// additional files) and the host's loader and binder give the same message at the same line and
/// column for the same bad file. The files are this project's two broken corpora; each is either
/// checked here or listed with what only the host can see (bases, merging, the file's bytes, the
/// run config's sections, the components' own checks).
/// </summary>
public sealed class AnalyzerParityTests
{
    private const string Syntax = "Configuration/Corpus/broken";
    private const string Binding = "Binding/Corpus";

    // The analyzer wraps the host's words in a rule's frame: ICG017 says what kind of error it is,
    // ICG018 why a build cannot be sure.
    private const string SyntaxFrame = "The config file is not valid JSON: ";
    private const string UnknownTypeFrame = " (a plugin loaded at run time may still register it)";

    private static readonly Lazy<Compilation> ComponentsCompilation = new(CreateCompilation);

    /// <summary>Corpus folder and file of the mistakes a file shows on its own.</summary>
    public static TheoryData<string, string> SameInBoth { get; } = new()
    {
        // JSON syntax, strings, numbers, duplicate keys, limits
        { Syntax, "missing-comma.json" },
        { Syntax, "missing-colon.json" },
        { Syntax, "missing-value.json" },
        { Syntax, "double-comma.json" },
        { Syntax, "unclosed-object.json" },
        { Syntax, "unclosed-array.json" },
        { Syntax, "unclosed-string.json" },
        { Syntax, "extra-closing-brace.json" },
        { Syntax, "trailing-garbage.json" },
        { Syntax, "unterminated-comment.json" },
        { Syntax, "lone-slash.json" },
        { Syntax, "unquoted-key.json" },
        { Syntax, "single-quotes.json" },
        { Syntax, "empty.json" },
        { Syntax, "bad-escape.json" },
        { Syntax, "bad-unicode-escape.json" },
        { Syntax, "unpaired-surrogate.json" },
        { Syntax, "control-char-in-string.json" },
        { Syntax, "nul-in-string.json" },
        { Syntax, "leading-zero.json" },
        { Syntax, "bad-fraction.json" },
        { Syntax, "bad-exponent.json" },
        { Syntax, "hex-number.json" },
        { Syntax, "plus-number.json" },
        { Syntax, "nan.json" },
        { Syntax, "infinity.json" },
        { Syntax, "negative-infinity.json" },
        { Syntax, "huge-exponent.json" },
        { Syntax, "python-true.json" },
        { Syntax, "python-none.json" },
        { Syntax, "duplicate-key.json" },
        { Syntax, "duplicate-key-nested.json" },
        { Syntax, "deep-nesting.json" },
        { Syntax, "bom-then-error.json" },
        { Syntax, "multibyte-column.json" },

        // The loader's rules for one file
        { Syntax, "top-level-array.json" },
        { Syntax, "base-wrong-type.json" },
        { Syntax, "base-list-item-wrong-type.json" },
        { Syntax, "base-empty-path.json" },
        { Syntax, "base-python.json" },
        { Syntax, "base-package-scope.json" },
        { Syntax, "nested-base.json" },
        { Syntax, "delete-top-level.json" },
        { Syntax, "delete-not-boolean.json" },
        { Syntax, "delete-in-list-item.json" },

        // Unknown component types (with near-miss names) and members, values of the wrong kind
        { Binding, "type-typo-backbone.json" },
        { Binding, "type-typo-model.json" },
        { Binding, "type-typo-loss.json" },
        { Binding, "type-wrong-kind.json" },
        { Binding, "type-not-string.json" },
        { Binding, "member-typo.json" },
        { Binding, "member-typo-nested-loss.json" },
        { Binding, "member-snake-case.json" },
        { Binding, "wrong-type-int-string.json" },
        { Binding, "wrong-type-float-for-int.json" },
        { Binding, "wrong-type-list.json" },
        { Binding, "wrong-type-list-item.json" },
        { Binding, "wrong-type-enum.json" },
        { Binding, "wrong-type-enum-typo.json" },
        { Binding, "wrong-type-bool.json" },
        { Binding, "wrong-type-component.json" },
        { Binding, "wrong-type-null.json" },
        { Binding, "null-for-component.json" },
        { Binding, "int-overflow.json" },
        { Binding, "bad-value-one-of.json" },
        { Binding, "bad-value-range.json" },
        { Binding, "bad-value-range-item.json" },
    };

    /// <summary>Corpus folder and file of the mistakes only the host can find, with why.</summary>
    public static TheoryData<string, string, string> HostOnly { get; } = new()
    {
        { Syntax, "emoji-column.json", "the same message, but editors count each emoji as two columns (see the test below)" },
        { Syntax, "invalid-utf8.json", "the compiler decodes a file that is not UTF-8 in another encoding; the host refuses its bytes" },
        { Syntax, "truncated-utf8.json", "the file's bytes" },
        { Syntax, "overlong-utf8.json", "the file's bytes" },
        { Syntax, "utf16.json", "the file's bytes" },
        { Syntax, "base-missing.json", "the base files" },
        { Syntax, "base-cycle.json", "the base files" },
        { Syntax, "base-self.json", "the base files" },
        { Syntax, "base-directory.json", "the base files" },
        { Syntax, "base-char-device.json", "the base files" },
        { Syntax, "bases-clash.json", "the base files" },
        { Syntax, "error-in-base.json", "the base files (the analyzer reports the error in the base when that is an additional file too)" },
        { Syntax, "delete-nothing-to-replace.json", "merging" },
        { Syntax, "dict-over-list.json", "merging" },
        { Syntax, "dict-over-scalar.json", "merging" },
        { Syntax, "dict-over-null.json", "merging" },
        { Binding, "type-missing.json", "a base may give \"type\"" },
        { Binding, "missing-required.json", "a base may give the member" },
        { Binding, "missing-required-component.json", "a base may give the member" },
        { Binding, "inherited-bad-value.json", "the base files" },
        { Binding, "inherited-unknown-member.json", "the base files" },
        { Binding, "top-level-typo.json", "the run config's sections, which the compilation does not model" },
        { Binding, "top-level-unknown.json", "the run config's sections" },
        { Binding, "section-wrong-kind.json", "the run config's sections" },
        { Binding, "rejected-by-component.json", "the component's own checks" },
        { Binding, "rejected-by-constructor.json", "the component's own checks" },
    };

    [Theory]
    [MemberData(nameof(SameInBoth))]
    public void The_analyzer_gives_the_hosts_message_at_the_hosts_line_and_column(string folder, string file)
    {
        var path = Path.Combine(TestCorpus.Find(folder), file);

        var error = HostError(path);
        var diagnostics = Analyze(path);

        Assert.StartsWith($"{error.Location}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(
            $"{error.Location.Path}:{error.Location.Line}:{error.Location.Column}: {error.Message[(error.Location.ToString().Length + 2)..]}",
            diagnostics.Select(Describe));
    }

    [Fact]
    public void Each_emoji_before_the_error_is_one_column_at_run_time_and_two_in_the_ide()
    {
        var path = Path.Combine(TestCorpus.Find(Syntax), "emoji-column.json");

        var error = HostError(path);
        var diagnostic = Assert.Single(Analyze(path));

        // Two emoji: the host counts Unicode scalars, editors and Roslyn UTF-16 code units.
        Assert.Equal((1, 22), (error.Location.Line, error.Location.Column));
        Assert.Equal($"{path}:1:24: {error.Message[(error.Location.ToString().Length + 2)..]}", Describe(diagnostic));
    }

    [Fact]
    public void Every_file_of_both_corpora_is_in_one_table()
    {
        var listed = SameInBoth.Select(row => $"{row[0]}/{row[1]}")
            .Concat(HostOnly.Select(row => $"{row[0]}/{row[1]}"))
            .ToList();
        var files = new[] { Syntax, Binding }
            .SelectMany(folder => Directory.GetFiles(TestCorpus.Find(folder), "*.json").Select(file => $"{folder}/{Path.GetFileName(file)}"));

        Assert.Equal(files.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    /// <summary>The host's one error for the file: loaded with its bases and bound against the binding test components.</summary>
    private static ConfigException HostError(string path)
    {
        var binder = new ConfigBinder(BindingTestCatalog.Create());
        return Assert.IsType<ConfigException>(Record.Exception(() => binder.Bind(ConfigLoader.Load(path))));
    }

    /// <summary>What the config analyzer reports for the file as an additional file of a project that references the binding test components.</summary>
    private static ImmutableArray<Diagnostic> Analyze(string path)
    {
        var failures = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([new FileAdditionalText(path)]),
            onAnalyzerException: (exception, _, _) => failures.Enqueue(exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var diagnostics = new CompilationWithAnalyzers(ComponentsCompilation.Value, [new JsonConfigAnalyzer()], options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.True(failures.IsEmpty, "The analyzer threw:\n" + string.Join("\n", failures));
        return diagnostics;
    }

    /// <summary><c>path:line:column: </c> and the host's words within the diagnostic's message.</summary>
    private static string Describe(Diagnostic diagnostic)
    {
        var position = diagnostic.Location.GetLineSpan();
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        var words = diagnostic.Id switch
        {
            "ICG017" when message.StartsWith(SyntaxFrame, StringComparison.Ordinal) => message[SyntaxFrame.Length..],
            "ICG018" when message.EndsWith(UnknownTypeFrame, StringComparison.Ordinal) => message[..^UnknownTypeFrame.Length],
            _ => message,
        };
        return $"{position.Path}:{position.StartLinePosition.Line + 1}:{position.StartLinePosition.Character + 1}: {words}";
    }

    /// <summary>A project with no code of its own that references the binding test components, as a project listing its configs would.</summary>
    private static Compilation CreateCompilation()
    {
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(file => Path.GetFileName(file).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(file) is "mscorlib.dll" or "netstandard.dll");
        var components = new[] { typeof(Backbone).Assembly.Location, typeof(TorchSharp.torch).Assembly.Location, typeof(ToyNet).Assembly.Location };
        return CSharpCompilation.Create(
            "Configs",
            [],
            platform.Concat(components).Distinct().Select(file => MetadataReference.CreateFromFile(file)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }
}
