namespace ImageClassifier.Shared.Text;

/// <summary>What a config member accepts in JSON, as far as the words of a message go.</summary>
internal enum ExpectedValueKind
{
    /// <summary>Any JSON value (<c>object</c>, a JSON node type).</summary>
    Any,
    Boolean,
    Integer,
    Number,
    String,

    /// <summary>A string of one character (<c>char</c>).</summary>
    Character,

    /// <summary>One of a fixed set of names (an enum written by name).</summary>
    Names,

    /// <summary>A component config: an object with "type".</summary>
    Component,
    List,

    /// <summary>An object: a dictionary, or a class the serializer reads member by member.</summary>
    Object,

    /// <summary>A type with no better words: "a TimeSpan value".</summary>
    Other,
}
