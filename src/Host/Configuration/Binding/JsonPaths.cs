namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>JSON paths as the binding combines them: a section's path plus a path inside it.</summary>
internal static class JsonPaths
{
    /// <summary>Reads <c>$.model.backbone</c> (or <c>model.backbone</c>) into a path.</summary>
    /// <exception cref="ArgumentException">The text is not a JSON path.</exception>
    public static ConfigJsonPath Parse(string jsonPath)
    {
        ArgumentNullException.ThrowIfNull(jsonPath);
        if (!ConfigJsonPath.TryParse(jsonPath, out var segments))
        {
            throw new ArgumentException($"'{jsonPath}' is not a JSON path such as $.model.backbone.", nameof(jsonPath));
        }

        return Append(ConfigJsonPath.Root, segments);
    }

    /// <summary>
    /// <paramref name="path"/> followed by the steps of <paramref name="relative"/> (a path such as
    /// System.Text.Json reports, <c>$.backbone.depth</c>, or a member such as <c>out_indices[1]</c>);
    /// false when <paramref name="relative"/> cannot be read.
    /// </summary>
    public static bool TryAppend(ConfigJsonPath path, string? relative, out ConfigJsonPath combined)
    {
        combined = path;
        if (string.IsNullOrEmpty(relative) || !ConfigJsonPath.TryParse(relative, out var segments))
        {
            return false;
        }

        combined = Append(path, segments);
        return true;
    }

    /// <summary>The path without its last step; the root stays the root.</summary>
    public static ConfigJsonPath Parent(ConfigJsonPath path)
    {
        if (!ConfigJsonPath.TryParse(path.ToString(), out var segments) || segments.Count == 0)
        {
            return ConfigJsonPath.Root;
        }

        return Append(ConfigJsonPath.Root, segments.Take(segments.Count - 1));
    }

    private static ConfigJsonPath Append(ConfigJsonPath path, IEnumerable<ConfigJsonPathSegment> segments)
    {
        foreach (var segment in segments)
        {
            path = segment.IsIndex ? path.Item(segment.Index) : path.Member(segment.Name!);
        }

        return path;
    }
}
