namespace ImageClassifier.Hosting.Configuration;

/// <summary>One step of a JSON path: a member name, or an array index when <see cref="Name"/> is null.</summary>
internal readonly record struct ConfigJsonPathSegment(string? Name, int Index)
{
    public static ConfigJsonPathSegment Member(string name) => new(name, -1);

    public static ConfigJsonPathSegment Item(int index) => new(null, index);

    public bool IsIndex => Name is null;
}
