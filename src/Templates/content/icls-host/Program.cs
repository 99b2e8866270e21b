using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Configuration;

// Usage:
//   MyApp                              list the backbones
//   MyApp CONFIG                       ... and build the model of CONFIG
//   MyApp CONFIG CHECKPOINT IMAGE...   ... and classify the images with the checkpoint's weights
// Plugins are loaded from the folders in ICLS_PLUGINS, ./plugins and plugins/ beside the app.
var host = ImageClassifierHost.Create();
foreach (var plugin in host.Plugins.Failed)
{
    Console.Error.WriteLine($"plugin {plugin.Name} not loaded: {plugin.Reason}");
}

Console.WriteLine("Backbones:");
foreach (var backbone in host.ListComponents(kind: "backbone"))
{
    Console.WriteLine($"  {backbone.Name} ({backbone.Source.Origin})");
}

if (args.Length == 0)
{
    Console.WriteLine("Give a config to build its model, and a checkpoint and images to classify them.");
    return 0;
}

try
{
    var run = host.LoadRun(args[0]);
    using (var model = run.BuildModel())
    {
        var parameters = model.parameters().Sum(parameter => parameter.numel());
        Console.WriteLine($"{args[0]}: {parameters:N0} parameters");
    }

    if (args.Length < 3)
    {
        return 0;
    }

    using var inferencer = host.CreateInferencer(run, args[1]);
    var exitCode = 0;
    foreach (var outcome in inferencer.InferFiles(args[2..], topk: 3))
    {
        if (outcome.Result is { } result)
        {
            var scores = result.TopK.Select(score => $"{score.ClassName} {score.Score:P1}");
            Console.WriteLine($"{result.Source}: {string.Join(", ", scores)}");
        }
        else
        {
            Console.Error.WriteLine(outcome.Describe());
            exitCode = 1;
        }
    }

    return exitCode;
}
catch (ConfigException error)
{
    // Names the file, line and column, the JSON path and what was expected.
    Console.Error.WriteLine(error.Message);
    return 2;
}
