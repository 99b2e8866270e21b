namespace ImageClassifier.Hosting.Configuration;

/// <summary>The reserved member names of mmengine-style configs.</summary>
public static class ConfigKeys
{
    /// <summary>Top-level only: a path (or a list of paths) of configs to inherit, relative to the file naming them.</summary>
    public const string Base = "_base_";

    /// <summary>Inside an object: <c>true</c> replaces the inherited object instead of merging into it.</summary>
    public const string Delete = "_delete_";
}
