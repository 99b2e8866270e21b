using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>RandomErasing, with mmpretrain's draws: the rectangle's size and place, and its three fills.</summary>
public sealed class RandomErasingTests
{
    private static DataSample Flat(int channels, int side, byte value) =>
        new(new ImageData(Enumerable.Repeat(value, channels * side * side).ToArray(), channels, side, side), 3, "flat");

    [Fact]
    public void Fills_one_rectangle_of_the_asked_area_with_the_fill_colour_truncated()
    {
        var erasing = new RandomErasing(eraseProb: 1, minAreaRatio: 0.1, maxAreaRatio: 0.2, fillColor: [10.7, 20.2, 30.9]);
        var sample = Flat(3, 32, 200);

        for (var seed = 0; seed < 30; seed++)
        {
            var erased = erasing.Apply(sample, new Random(seed)).Image;

            var area = erased.Pixels.Take(1024).Count(value => value == 10);
            Assert.Equal(area, erased.Pixels.Skip(1024).Take(1024).Count(value => value == 20));
            Assert.Equal(area, erased.Pixels.Skip(2048).Count(value => value == 30));
            Assert.InRange(area, (int)(0.1 * 1024) - 40, (int)(0.2 * 1024) + 40);
            var rows = Enumerable.Range(0, 32).Where(y => Enumerable.Range(0, 32).Any(x => erased[0, y, x] == 10)).ToList();
            var columns = Enumerable.Range(0, 32).Where(x => Enumerable.Range(0, 32).Any(y => erased[0, y, x] == 10)).ToList();
            Assert.Equal(rows.Count * columns.Count, area);

            // mmpretrain draws the corner with numpy's randint, whose end is excluded: the last row and column stay.
            Assert.DoesNotContain(31, rows);
            Assert.DoesNotContain(31, columns);
        }

        Assert.Equal(200, sample.Image.Pixels.Min());
    }

    [Fact]
    public void Random_fills_are_uniform_or_normal_around_the_fill_colour()
    {
        var sample = Flat(3, 40, 0);
        var uniform = new RandomErasing(eraseProb: 1, minAreaRatio: 0.5, maxAreaRatio: 0.5, aspectRange: [1.0], mode: "rand");
        var normal = new RandomErasing(eraseProb: 1, minAreaRatio: 0.5, maxAreaRatio: 0.5, aspectRange: [1.0], mode: "rand", fillColor: [50, 128, 200], fillStd: [10]);

        var uniformValues = Erased(uniform.Apply(sample, new Random(7)).Image, 0);
        var normalValues = Erased(normal.Apply(sample, new Random(7)).Image, 2);

        // About 800 values: U(0, 256) has mean 127.5 and deviation 73.9; N(200, 10) truncated toward zero has mean 199.5.
        Assert.InRange(uniformValues.Average(), 127.5 - 13, 127.5 + 13);
        Assert.True(uniformValues.Max() > 240 && uniformValues.Min() < 15);
        Assert.InRange(normalValues.Average(), 199.5 - 1.8, 199.5 + 1.8);
        Assert.InRange(Math.Sqrt(normalValues.Average(value => (value - normalValues.Average()) * (value - normalValues.Average()))), 8.5, 11.5);

        static List<double> Erased(ImageData image, int channel) =>
            [.. image.Pixels.Skip(channel * 1600).Take(1600).Where(value => value != 0).Select(value => (double)value)];
    }

    [Fact]
    public void A_grey_image_takes_the_first_fill_value_and_probability_zero_leaves_the_sample()
    {
        var grey = Flat(1, 16, 200);

        var erased = new RandomErasing(eraseProb: 1, fillColor: [7, 8, 9]).Apply(grey, new Random(2)).Image;

        Assert.Equal(new byte[] { 7, 200 }, erased.Pixels.Distinct().Order());
        Assert.Same(grey, new RandomErasing(eraseProb: 0).Apply(grey, new Random(2)));
        Assert.Equal(erased.Pixels, new RandomErasing(eraseProb: 1, fillColor: [7, 8, 9]).Apply(grey, new Random(2)).Image.Pixels);
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_key()
    {
        Assert.Equal("erase_prob", Assert.Throws<ConfigValueException>(() => new RandomErasing(eraseProb: 1.5)).Member);
        Assert.Equal("max_area_ratio", Assert.Throws<ConfigValueException>(() => new RandomErasing(minAreaRatio: 0.5, maxAreaRatio: 0.4)).Member);
        Assert.Equal("aspect_range", Assert.Throws<ConfigValueException>(() => new RandomErasing(aspectRange: [3, 0.3])).Member);
        Assert.Equal("aspect_range", Assert.Throws<ConfigValueException>(() => new RandomErasing(aspectRange: [-1.0])).Member);
        Assert.Equal("mode", Assert.Throws<ConfigValueException>(() => new RandomErasing(mode: "mean")).Member);
        Assert.Equal("fill_color", Assert.Throws<ConfigValueException>(() => new RandomErasing(fillColor: [1, 2])).Member);
        Assert.Equal("fill_color", Assert.Throws<ConfigValueException>(() => new RandomErasing(fillColor: [256])).Member);
        Assert.Equal("fill_std", Assert.Throws<ConfigValueException>(() => new RandomErasing(fillStd: [-1.0])).Member);
    }
}
