using ImageClassifier.Engine.Configuration;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Tests.Configuration;

namespace ImageClassifier.Hosting.Tests.Validation;

/// <summary>Configs of small built-in models for the validation tests, and where a value sits in them.</summary>
internal static class ValidationConfigs
{
    /// <summary>A ResNet-18 eight times narrower than the real one: its last stage gives 64 channels.</summary>
    public const string SmallResNet = """{"type": "ResNet", "depth": 18, "stem_channels": 8, "base_channels": 8}""";

    public const string Gap = """{"type": "GlobalAveragePooling"}""";

    private static readonly Lazy<ComponentCatalog> SharedCatalog = new(BuiltInComponents.CreateCatalog);

    public static ComponentCatalog Catalog => SharedCatalog.Value;

    public static string Head(int inChannels, int numClasses = 10) =>
        $$$"""{"type": "LinearClsHead", "num_classes": {{{numClasses}}}, "in_channels": {{{inChannels}}}}""";

    /// <summary>A config of an ImageClassifier and any other sections (JSON members, without braces).</summary>
    public static string Config(string backbone = SmallResNet, string? neck = Gap, string? head = null, string? preprocessor = null, string? sections = null)
    {
        var members = new List<string> { "\"type\": \"ImageClassifier\"", $"\"backbone\": {backbone}" };
        if (neck is not null)
        {
            members.Add($"\"neck\": {neck}");
        }

        members.Add($"\"head\": {head ?? Head(64)}");
        if (preprocessor is not null)
        {
            members.Add($"\"data_preprocessor\": {preprocessor}");
        }

        var model = "{\n    " + string.Join(",\n    ", members) + "\n  }";
        return "{\n  \"model\": " + model + (sections is null ? string.Empty : ",\n  " + sections) + "\n}\n";
    }

    /// <summary>A dataloader section of <paramref name="dataset"/> with <paramref name="pipeline"/> (JSON list items).</summary>
    public static string Loader(string key, string dataset, string pipeline = """{"type": "PackInputs"}""", string dataRoot = "no/such/folder") =>
        $$$"""
        "{{{key}}}": {"batch_size": 4, "dataset": {"type": "{{{dataset}}}", "data_root": "{{{dataRoot}}}", "pipeline": [{{{pipeline}}}]}}
        """;

    public static RunDefinition Read(TempConfigFolder folder, string text, string name = "config.json") =>
        RunDefinitionReader.Read(ConfigLoader.Load(folder.Write(name, text)), Catalog);

    /// <summary>The 1-based line and column where <paramref name="marker"/> starts in <paramref name="text"/>.</summary>
    public static (int Line, int Column) PositionOf(string text, string marker)
    {
        var index = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{marker}' is not in the config");
        var before = text[..index];
        var lineStart = before.LastIndexOf('\n') + 1;
        return (before.Count(character => character == '\n') + 1, index - lineStart + 1);
    }

    /// <summary>Asserts the error is about <paramref name="jsonPath"/>, located at the value of <paramref name="member"/> (such as <c>"in_channels": 256</c>).</summary>
    public static ConfigException AssertAt(ConfigException error, string text, string jsonPath, string member)
    {
        var (line, column) = PositionOf(text, member);
        Assert.Equal(jsonPath, error.JsonPath);
        Assert.Equal((line, column + member.IndexOf(": ", StringComparison.Ordinal) + 2), (error.Location.Line, error.Location.Column));
        return error;
    }
}
