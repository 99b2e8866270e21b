namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>The config of <see cref="ProjectionNeck"/>, written by hand as a C# host app may.</summary>
public sealed class ProjectionNeckConfig : ComponentConfig<Neck>
{
    public override string TypeName => "ProjectionNeck";

    public int InChannels { get; init; }

    public int OutChannels { get; init; }

    public override Neck Build() => new ProjectionNeck(InChannels, OutChannels);
}
