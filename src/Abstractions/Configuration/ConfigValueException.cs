namespace ImageClassifier;

/// <summary>A config value that breaks a declared constraint or a component's own rule.</summary>
public sealed class ConfigValueException : ArgumentException
{
    /// <summary>Creates the error for <paramref name="member"/> (its JSON name, e.g. "out_indices[1]").</summary>
    public ConfigValueException(string member, object? value, string expectation)
        : base($"{member} must be {expectation}, but got {ConfigLiteral.Format(value)}.", member)
    {
        Member = member;
        Value = value;
        Expectation = expectation;
    }

    /// <summary>The JSON name of the offending member, with an index for an array item.</summary>
    public string Member { get; }

    /// <summary>The rejected value.</summary>
    public object? Value { get; }

    /// <summary>What would have been accepted.</summary>
    public string Expectation { get; }

    /// <summary>The message without ArgumentException's "(Parameter ...)" suffix.</summary>
    public override string Message => $"{Member} must be {Expectation}, but got {ConfigLiteral.Format(Value)}.";
}
