using System.Globalization;
using Xunit.Abstractions;

namespace ImageClassifier.Models.Tests.Losses;

/// <summary>
/// Every case of losses.json through the loss its config builds, in float32 against the float64
/// references: CrossEntropyLoss and LabelSmoothLoss in all their modes, and L1 through the
/// weighted-loss helper.
/// </summary>
public sealed class LossFixtureTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> ValueCases => [.. LossFixtures.Names.Where(name => LossFixtures.Case(name)["expected_error"] is null)];

    public static TheoryData<string> ErrorCases => [.. LossFixtures.Names.Where(name => LossFixtures.Case(name)["expected_error"] is not null)];

    [Theory]
    [MemberData(nameof(ValueCases))]
    public void ReproducesTheReference(string name)
    {
        var entry = LossFixtures.Case(name);
        var (actual, shape) = LossFixtures.Run(entry);
        var (expected, expectedShape) = LossFixtures.Expected(entry);

        Assert.Equal(expectedShape, shape);
        Assert.Equal(expected.Length, actual.Length);
        for (var index = 0; index < expected.Length; index++)
        {
            var error = LossFixtures.RelativeError(actual[index], expected[index]);
            Assert.True(error <= Tolerance, $"{name}[{index}]: {actual[index]:R}, reference {expected[index]:R}, relative error {error:E2}");
        }
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void RefusesWhatTheReferenceRefuses(string name)
    {
        var entry = LossFixtures.Case(name);
        Assert.Equal("ValueError", entry["expected_error"]!.GetValue<string>());

        var error = Assert.ThrowsAny<ArgumentException>(() => LossFixtures.Run(entry));
        Assert.Contains("avgFactor", error.Message, StringComparison.Ordinal);
        Assert.Contains("sum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCaseIsCovered()
    {
        Assert.Equal(LossFixtures.Names.Count(), ValueCases.Count + ErrorCases.Count);
        Assert.Equal(64, LossFixtures.Names.Count());
        foreach (var type in new[] { "CrossEntropyLoss", "LabelSmoothLoss", "weighted_loss:l1" })
        {
            Assert.Contains(LossFixtures.Names, name => LossFixtures.Case(name)["loss"]!["type"]!.GetValue<string>() == type);
        }
    }

    [Fact]
    public void ReportsTheLargestRelativeError()
    {
        var worst = (Name: "", Error: 0.0);
        foreach (var name in LossFixtures.Names.Where(name => LossFixtures.Case(name)["expected_error"] is null))
        {
            var entry = LossFixtures.Case(name);
            var actual = LossFixtures.Run(entry).Values;
            var expected = LossFixtures.Expected(entry).Values;
            for (var index = 0; index < expected.Length; index++)
            {
                var error = LossFixtures.RelativeError(actual[index], expected[index]);
                if (error > worst.Error)
                {
                    worst = (name, error);
                }
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"max relative error {worst.Error:E3} in {worst.Name}"));
        Assert.True(worst.Error <= Tolerance, $"{worst.Name}: relative error {worst.Error:E2}");
    }
}
