using System.Text.Json;
using System.Text.Json.Nodes;
using ImageClassifier.Engine.Optimizers;
using ImageClassifier.Hosting.Configuration.Binding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>
/// Fixtures/Optimizers/steps.json (tools/fixtures/make_optimizer_fixtures.py): three parameters in
/// two groups with their own learning rates and weight decays, twelve steps of fixed gradients (one
/// missing once), and the parameters after every step as a reference optimizer took them (torch
/// 1.13's, or a float64 numpy implementation where torch has none). <see cref="AssertMatches"/>
/// binds our optimizer from the case's settings through the catalog, as a config's would be, with
/// the case's groups, and compares every step.
/// </summary>
internal static class OptimizerStepFixture
{
    private static readonly Lazy<JsonElement> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.Folder("Optimizers"), "steps.json"))).RootElement);

    /// <summary>The names of the cases of <paramref name="optimizer"/> (its config type name).</summary>
    public static TheoryData<string> CaseNames(string optimizer) =>
        [.. Cases(optimizer).Select(@case => @case.GetProperty("name").GetString()!)];

    /// <summary>Runs the case and requires every parameter after every step within <paramref name="relativeTolerance"/> of the reference's largest magnitude.</summary>
    public static void AssertMatches(string optimizer, string caseName, double relativeTolerance)
    {
        var @case = Cases(optimizer).Single(candidate => candidate.GetProperty("name").GetString() == caseName);
        var settings = JsonNode.Parse(@case.GetProperty("settings").GetRawText())!.AsObject();
        settings["type"] = optimizer;
        var builder = (OptimizerBuilder)new ConfigBinder(TinyExperiment.Catalog).BindComponentJson(settings.ToJsonString(), typeof(OptimizerBuilder)).BuildComponent();

        var shapes = Document.Value.GetProperty("shapes").EnumerateArray().Select(shape => shape.EnumerateArray().Select(size => size.GetInt64()).ToArray()).ToArray();
        var initial = Values(Document.Value.GetProperty("initial"));
        var parameters = shapes.Select((shape, i) => new Parameter(torch.tensor(initial[i]!, shape))).ToArray();
        try
        {
            var groups = Document.Value.GetProperty("groups").EnumerateArray().Zip(@case.GetProperty("groups").EnumerateArray(), (members, group) => new ParameterGroup(
                [.. members.EnumerateArray().Select(member => ($"p{member.GetInt32()}", parameters[member.GetInt32()]))],
                group.GetProperty("lr").GetDouble(),
                group.GetProperty("weight_decay").GetDouble())).ToList();
            using var optimizerUnderTest = builder.Create(groups);
            var grads = Document.Value.GetProperty("grads").EnumerateArray().ToList();
            var expected = @case.GetProperty("expected").EnumerateArray().ToList();
            for (var step = 0; step < grads.Count; step++)
            {
                var stepGrads = Values(grads[step]);
                for (var i = 0; i < parameters.Length; i++)
                {
                    parameters[i].grad = stepGrads[i] is { } grad ? torch.tensor(grad, shapes[i]) : null;
                }

                optimizerUnderTest.step();
                var stepExpected = Values(expected[step]);
                var scale = stepExpected.SelectMany(values => values!).Max(Math.Abs);
                for (var i = 0; i < parameters.Length; i++)
                {
                    var actual = parameters[i].detach().data<float>().ToArray();
                    var difference = actual.Zip(stepExpected[i]!, (ours, reference) => Math.Abs(ours - reference)).Max() / scale;
                    Assert.True(difference <= relativeTolerance, $"{optimizer} ({caseName}), step {step + 1}, parameter {i}: differs from the reference by {difference:E2} of its largest magnitude (allowed {relativeTolerance:E0})");
                }
            }
        }
        finally
        {
            foreach (var parameter in parameters)
            {
                parameter.Dispose();
            }
        }
    }

    private static IEnumerable<JsonElement> Cases(string optimizer) =>
        Document.Value.GetProperty("cases").EnumerateArray().Where(@case => @case.GetProperty("optimizer").GetString() == optimizer);

    // One flat float32 array per parameter; null where a parameter has no gradient.
    private static float[]?[] Values(JsonElement perParameter) =>
        [.. perParameter.EnumerateArray().Select(values => values.ValueKind == JsonValueKind.Null ? null : values.EnumerateArray().Select(value => (float)value.GetDouble()).ToArray())];
}
