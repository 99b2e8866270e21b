using ImageClassifier.Data.Datasets;

namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>The config of a dataset that makes its samples itself, as a synthetic benchmark does: it names nothing on disk.</summary>
public sealed class RootlessDatasetConfig : ComponentConfig<Dataset>
{
    public override string TypeName => "Rootless";

    public override Dataset Build() => throw new NotSupportedException("Only its config is used: nothing builds this dataset.");
}
