namespace ImageClassifier.Hosting.Catalog;

/// <summary>A name or alias within a kind; both compare ordinally, so case matters for identity.</summary>
internal readonly record struct ComponentKey(string Kind, string Name);
