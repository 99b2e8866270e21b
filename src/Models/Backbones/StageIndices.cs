namespace ImageClassifier.Models.Backbones;

/// <summary>Checks of <c>out_indices</c> against the stages a backbone has.</summary>
internal static class StageIndices
{
    /// <summary>
    /// Throws a <see cref="ConfigValueException"/> naming the allowed values when an index is not a
    /// stage; returns the distinct indices, ascending (the order the outputs come in).
    /// </summary>
    public static int[] Check(int[] outIndices, int stageCount, string countName)
    {
        if (outIndices.Length == 0)
        {
            throw new ConfigValueException("out_indices", outIndices, "at least one stage index");
        }

        for (var position = 0; position < outIndices.Length; position++)
        {
            var index = outIndices[position];
            if (index < 0 || index >= stageCount)
            {
                var allowed = string.Join(", ", Enumerable.Range(0, stageCount));
                throw new ConfigValueException($"out_indices[{position}]", index, $"one of {allowed} ({countName} is {stageCount})");
            }
        }

        return [.. outIndices.Distinct().Order()];
    }
}
