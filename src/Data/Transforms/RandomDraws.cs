namespace ImageClassifier.Data.Transforms;

/// <summary>The draws transforms make beyond <see cref="Random"/>'s own, each from the stream they are given.</summary>
internal static class RandomDraws
{
    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>), as numpy's <c>uniform</c> (low may exceed high).</summary>
    public static double Uniform(Random random, double low, double high) => low + (random.NextDouble() * (high - low));

    /// <summary>Normal with the given mean and standard deviation (Box-Muller, two uniform draws).</summary>
    public static double Normal(Random random, double mean, double std)
    {
        // 1 - u keeps the logarithm's argument in (0, 1].
        var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
        var angle = 2 * Math.PI * random.NextDouble();
        return mean + (std * radius * Math.Cos(angle));
    }

    /// <summary>0 to <paramref name="count"/> - 1 in random order (Fisher-Yates), as numpy's <c>permutation</c>.</summary>
    public static int[] Permutation(Random random, int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
