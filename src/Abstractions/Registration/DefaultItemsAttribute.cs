namespace ImageClassifier;

/// <summary>
/// The default of an array parameter, which C# cannot write as a parameter default: the
/// parameter defaults to <c>null</c> in C#, and its config member starts with these items.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false, AllowMultiple = false)]
public sealed class DefaultItemsAttribute(params object[] items) : Attribute
{
    /// <summary>The default items.</summary>
    public object[] Items { get; } = items;
}
