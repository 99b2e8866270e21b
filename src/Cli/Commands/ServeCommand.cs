using System.CommandLine;
using ImageClassifier.Runtime;
using ImageClassifier.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls serve CONFIG CKPT [--urls URL] [--topk K] [--max-batch-size N] [--max-wait-ms MS]
/// [--pool-size N] [--queue-capacity N] [--device ...]</c>: serves the model over HTTP
/// (<c>POST /predict</c>, <c>GET /models</c>, <c>GET /health</c>, <c>/openapi/v1.json</c> and a web page
/// at <c>/</c>; docs/serving.md) until Ctrl+C or SIGTERM, which stop it after the queued requests
/// are answered. Two calls over <see cref="ServingServiceCollectionExtensions.AddImageClassifierServing"/>
/// and <see cref="ServingEndpointRouteBuilderExtensions.MapImageClassifier"/>, as a host app makes them.
/// </summary>
internal sealed class ServeCommand : Command
{
    /// <summary>Where the server listens when --urls is not given: loopback only, so nothing is exposed by default.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Argument<string> _checkpoint = new("CKPT") { Description = "The checkpoint whose weights classify, or with --runtime onnx the model icls export wrote." };
    private readonly Option<string> _urls = new("--urls") { Description = $"Where to listen, ';' between several (port 0 picks a free port). Default {DefaultUrls}.", HelpName = "URLS", DefaultValueFactory = _ => DefaultUrls };
    private readonly Option<string?> _device = EngineCommandOptions.Device();
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();
    private readonly Option<int> _topk = PositiveOption("--topk", "K", "How many classes a prediction lists when the request does not say (?topk=K).", new ServingOptions().DefaultTopk);
    private readonly Option<int> _maxBatchSize = PositiveOption("--max-batch-size", "N", "The most images one forward pass takes; concurrent requests are merged up to this.", new ServingOptions().MaxBatchSize);
    private readonly Option<int> _maxWaitMs = new("--max-wait-ms") { Description = "How long a partial batch waits for more requests, in milliseconds.", HelpName = "MS", DefaultValueFactory = _ => (int)new ServingOptions().MaxWait.TotalMilliseconds };
    private readonly Option<int> _poolSize = PositiveOption("--pool-size", "N", "How many model copies classify in parallel.", new ServingOptions().PoolSize);
    private readonly Option<ServedRuntime> _runtime = new("--runtime") { Description = "Who classifies: torchsharp (CHECKPOINT holds weights) or onnx (CHECKPOINT is a model icls export wrote).", HelpName = "RUNTIME", DefaultValueFactory = _ => ServedRuntime.TorchSharp };
    private readonly Option<int> _queueCapacity = PositiveOption("--queue-capacity", "N", "How many requests may wait; more are answered 429.", new ServingOptions().QueueCapacity);

    public ServeCommand(CommandContext context)
        : base("serve", "Serve a trained model over HTTP: POST /predict, GET /models, GET /health, OpenAPI and a web page.")
    {
        _context = context;
        CommandContext.RejectOptionLikeValues(_checkpoint);
        Arguments.Add(_config);
        Arguments.Add(_checkpoint);
        Options.Add(_urls);
        Options.Add(_topk);
        Options.Add(_maxBatchSize);
        Options.Add(_maxWaitMs);
        Options.Add(_poolSize);
        Options.Add(_queueCapacity);
        Options.Add(_runtime);
        Options.Add(_device);
        Options.Add(_cfgOptions);
        _maxWaitMs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--max-wait-ms must be 0 or more.");
            }
        });
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var model = ServedModel.FromConfig(
            _context.LoadedHost,
            parseResult.GetRequiredValue(_config),
            parseResult.GetRequiredValue(_checkpoint),
            parseResult.GetValue(_device) ?? "auto",
            parseResult.GetValue(_cfgOptions),
            parseResult.GetValue(_runtime));

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(parseResult.GetRequiredValue(_urls));

        // Only problems reach the console, on stderr: stdout carries the address a script waits for.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddImageClassifierServing(model, options =>
        {
            options.DefaultTopk = parseResult.GetValue(_topk);
            options.MaxBatchSize = parseResult.GetValue(_maxBatchSize);
            options.MaxWait = TimeSpan.FromMilliseconds(parseResult.GetValue(_maxWaitMs));
            options.PoolSize = parseResult.GetValue(_poolSize);
            options.QueueCapacity = parseResult.GetValue(_queueCapacity);
        });

        using var app = builder.Build();
        app.MapImageClassifier();

        // Start loads the pool: a checkpoint that does not fit fails here, as an error and exit code.
        app.StartAsync().GetAwaiter().GetResult();
        if (TorchRuntime.Report?.Warning is { } warning)
        {
            _context.Error.WriteLine(warning);
        }

        foreach (var url in app.Urls)
        {
            _context.Output.WriteLine($"Serving {model.Name} on {url} (press Ctrl+C to stop)");
        }

        _context.Output.Flush();

        // The host's console lifetime turns Ctrl+C and SIGTERM into a stop, which answers the queue first.
        app.WaitForShutdownAsync().GetAwaiter().GetResult();
        _context.Output.WriteLine("Stopped.");
        return ExitCodes.Ok;
    }

    private static Option<int> PositiveOption(string name, string helpName, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError($"{name} must be 1 or more.");
            }
        });
        return option;
    }
}
