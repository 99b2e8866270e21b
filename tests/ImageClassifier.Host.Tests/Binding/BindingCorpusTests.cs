using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Tests.TestHelpers;
using ImageClassifier.Hosting.Tests.Configuration;

namespace ImageClassifier.Hosting.Tests.Binding;

/// <summary>
/// Every file in <c>Binding/Corpus</c> is valid JSON that merges, but fails to bind or build: with
/// exactly one <see cref="ConfigException"/> at the expected place, and exit code 2 from
/// <c>icls validate</c>. Files under <c>Corpus/bases</c> are the bases they inherit.
/// </summary>
public sealed class BindingCorpusTests
{
    /// <summary>File, then where the error is (file relative to the corpus, line, column), then a fragment of the message ({dir} is the corpus folder).</summary>
    public static TheoryData<string, string, int, int, string> Cases { get; } = new()
    {
        // "type" names no registered component of the kind
        { "type-typo-backbone.json", "type-typo-backbone.json", 5, 26, "$.model.backbone.type: no backbone named 'ToyNet_CIFR'; did you mean 'ToyNet_CIFAR'?" },
        { "type-typo-model.json", "type-typo-model.json", 4, 13, "$.model.type: no component named 'ToyClasifier'; did you mean 'ToyClassifier'?" },
        { "type-typo-loss.json", "type-typo-loss.json", 7, 88, "$.model.head.loss.type: no loss named 'ToyLos'; did you mean 'ToyLoss'?" },
        { "type-wrong-kind.json", "type-wrong-kind.json", 5, 26, "$.model.backbone.type: no backbone named 'ToyPooling'; 'ToyPooling' is a neck, not a backbone" },
        { "type-missing.json", "type-missing.json", 7, 13, "$.model.head: missing \"type\": a head config names its component with \"type\", one of 'ToyHead'" },
        { "type-not-string.json", "type-not-string.json", 6, 22, "$.model.neck.type: expected the name of a registered neck (a string), but found the number 1" },

        // Members and top-level keys that do not exist
        { "member-typo.json", "member-typo.json", 5, 48, "$.model.backbone.out_indice: ToyNet (a backbone) has no member 'out_indice'; did you mean 'out_indices'?" },
        { "member-typo-nested-loss.json", "member-typo-nested-loss.json", 7, 99, "$.model.head.loss.loss_weigth: ToyLoss (a loss) has no member 'loss_weigth'; did you mean 'loss_weight' or 'class_weight'?" },
        { "member-snake-case.json", "member-snake-case.json", 7, 33, "$.model.head.numClasses: ToyHead (a head) has no member 'numClasses'; did you mean 'num_classes'?" },
        { "top-level-typo.json", "top-level-typo.json", 10, 3, "$.optim_wraper: unknown top-level key 'optim_wraper'; did you mean 'optim_wrapper'?" },
        { "top-level-unknown.json", "top-level-unknown.json", 10, 3, "$.epochs: unknown top-level key 'epochs'; the known keys are model, data_preprocessor," },

        // Values of the wrong JSON kind
        { "section-wrong-kind.json", "section-wrong-kind.json", 10, 13, "$.resume: expected a boolean, but found the string \"yes\"" },
        { "wrong-type-int-string.json", "wrong-type-int-string.json", 5, 45, "$.model.backbone.depth: expected an integer, but found the string \"2\"" },
        { "wrong-type-float-for-int.json", "wrong-type-float-for-int.json", 7, 48, "$.model.head.num_classes: expected an integer, but found the number 10.5" },
        { "wrong-type-list.json", "wrong-type-list.json", 5, 63, "$.model.backbone.out_indices: expected an integer, a list of integers or null, but found the string \"1\"" },
        { "wrong-type-list-item.json", "wrong-type-list-item.json", 7, 83, "$.model.head.topk[1]: expected an integer, but found the string \"5\"" },
        { "wrong-type-enum.json", "wrong-type-enum.json", 7, 112, "$.model.head.loss.reduction: expected one of \"none\", \"mean\", \"sum\", but found the string \"average\"" },
        { "wrong-type-enum-typo.json", "wrong-type-enum-typo.json", 7, 112, "$.model.head.loss.smoothing: expected one of \"none\", \"uniform\", \"label_relaxation\", but found the string \"label-relaxation\"; did you mean \"label_relaxation\"?" },
        { "wrong-type-bool.json", "wrong-type-bool.json", 5, 61, "$.model.backbone.deep_stem: expected true or false, but found the string \"false\"" },
        { "wrong-type-component.json", "wrong-type-component.json", 6, 13, "$.model.neck: expected a neck config (an object with \"type\") or null, but found the string \"ToyPooling\"" },
        { "wrong-type-null.json", "wrong-type-null.json", 5, 57, "$.model.backbone.style: expected a string, but found null" },
        { "null-for-component.json", "null-for-component.json", 7, 13, "$.model.head: expected a head config (an object with \"type\"), but found null" },
        { "int-overflow.json", "int-overflow.json", 7, 48, "$.model.head.num_classes: expected an integer from -2147483648 to 2147483647, but found the number 3000000000" },

        // Values the generated setters refuse
        { "bad-value-one-of.json", "bad-value-one-of.json", 5, 45, "$.model.backbone.depth: depth must be one of 1, 2, 4, but got 3." },
        { "bad-value-range.json", "bad-value-range.json", 7, 114, "$.model.head.loss.loss_weight: loss_weight must be >= 0, but got -1." },
        { "bad-value-range-item.json", "bad-value-range-item.json", 5, 67, "$.model.backbone.out_indices[1]: out_indices[1] must be between 0 and 3, but got 7." },

        // Required members left out
        { "missing-required.json", "missing-required.json", 5, 17, "$.model.backbone: ToyNet (a backbone) is missing the required member 'depth' (an integer, one of 1, 2, 4)" },
        { "missing-required-component.json", "missing-required-component.json", 3, 12, "$.model: ToyClassifier (a network) is missing the required member 'head' (a head config)" },

        // Components that refuse their config while they are built
        { "rejected-by-component.json", "rejected-by-component.json", 5, 55, "$.model.backbone.deep_stem: ToyNet_CIFAR (a backbone) rejected its config: deep_stem must be false for ToyNet_CIFAR, whose stem is a single 3x3 conv, but got true." },
        { "rejected-by-constructor.json", "rejected-by-constructor.json", 5, 63, "$.model.backbone.out_indices: ToyNet (a backbone) rejected its config: out_indices holds stage 2, but a ToyNet of depth 1 has stages 0 to 0." },

        // Errors in inherited values point at the base that set them
        { "inherited-bad-value.json", "bases/bad-depth.json", 5, 45, "$.model.backbone.depth: depth must be one of 1, 2, 4, but got 8. (inherited via {dir}/inherited-bad-value.json -> {dir}/bases/bad-depth.json)" },
        { "inherited-unknown-member.json", "bases/typo-in-head.json", 7, 52, "$.model.head.in_chanels: ToyHead (a head) has no member 'in_chanels'; did you mean 'in_channels'? (inherited via {dir}/inherited-unknown-member.json -> {dir}/bases/typo-in-head.json)" },
    };

    private static string CorpusDirectory { get; } = TestCorpus.Find("Binding/Corpus");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_file_fails_to_bind_with_one_config_exception_at_the_expected_place(string file, string errorFile, int line, int column, string fragment)
    {
        var binder = new ConfigBinder(BindingTestCatalog.Create());
        var path = Path.Combine(CorpusDirectory, file);
        var document = ConfigLoader.Load(path);

        var error = Assert.IsType<ConfigException>(Record.Exception(() =>
        {
            var config = binder.Bind(document);
            (binder.BuildComponent(document, "$.model", config.Model!) as IDisposable)?.Dispose();
        }));

        Assert.Equal(new SourceLocation(Path.Combine(CorpusDirectory, errorFile), line, column), error.Location);
        Assert.StartsWith(error.Location + ": $.", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment.Replace("{dir}", CorpusDirectory, StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_reports_each_file_on_one_line_with_exit_code_2(string file, string errorFile, int line, int column, string fragment)
    {
        var path = Path.Combine(CorpusDirectory, file);

        var run = CliRun.Invoke(BindingTestCatalog.Create, "validate", path);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Empty(run.Output);
        var lines = run.Error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        var only = Assert.Single(lines);
        Assert.StartsWith($"error: {Path.Combine(CorpusDirectory, errorFile)}:{line}:{column}: ", only, StringComparison.Ordinal);
        Assert.Contains(fragment.Replace("{dir}", CorpusDirectory, StringComparison.Ordinal), only, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_covers_every_file_in_the_corpus()
    {
        var files = Directory.GetFiles(CorpusDirectory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var listed = Cases.Select(row => (string)row[0]).Order(StringComparer.Ordinal);

        Assert.Equal(files, listed);
        Assert.True(Cases.Count() >= 20);
    }

    [Fact]
    public void The_schedule_base_binds_on_its_own()
    {
        var binder = new ConfigBinder(BindingTestCatalog.Create());

        var schedule = binder.Bind(ConfigLoader.Load(Path.Combine(CorpusDirectory, "bases", "schedule.json")));

        Assert.Null(schedule.Model);
        Assert.NotNull(schedule.Section("optim_wrapper"));
    }
}
