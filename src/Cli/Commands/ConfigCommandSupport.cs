using System.CommandLine;
using System.Globalization;
using ImageClassifier.Hosting.Configuration;
using TorchSharp;

namespace ImageClassifier.Cli.Commands;

/// <summary>What the config commands (validate, print-config, build) share: their arguments and how a config error is reported.</summary>
internal static class ConfigCommandSupport
{
    /// <summary>The CONFIG argument.</summary>
    public static Argument<string> ConfigArgument()
    {
        var argument = new Argument<string>("CONFIG")
        {
            Description = "The config file: JSON with comments, trailing commas and _base_ inheritance.",
        };
        CommandContext.RejectOptionLikeValues(argument);
        return argument;
    }

    /// <summary>The <c>--cfg-options key.path=value ...</c> option.</summary>
    public static Option<string[]> CfgOptions() => new("--cfg-options")
    {
        Description = "Override config values after inheritance: key.path=value, the value as JSON or a bare word; several may follow one --cfg-options, and later ones win. Put CONFIG before this option.",
        HelpName = "KEY=VALUE",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>
    /// Runs a command's work. A <see cref="ConfigException"/> is the user's input: one line naming
    /// file, line and column, exit code <see cref="ExitCodes.BadInput"/>, the stack trace only with
    /// <c>--verbose</c>. Anything else is reported as every command reports it.
    /// </summary>
    public static int Run(CommandContext context, ParseResult parseResult, Func<ParseResult, int> work) =>
        context.Run(parseResult, result =>
        {
            try
            {
                return work(result);
            }
            catch (ConfigException exception)
            {
                context.Error.WriteLine($"error: {exception.Message}");
                if (result.GetValue(context.Verbose))
                {
                    context.Error.WriteLine();
                    context.Error.WriteLine(exception.ToString());
                }

                return ExitCodes.BadInput;
            }
        });

    /// <summary>How many parameters a built component has; null when it is not a TorchSharp module.</summary>
    public static long? CountParameters(object component) =>
        component is torch.nn.Module module ? module.parameters().Sum(parameter => parameter.numel()) : null;

    /// <summary>"1,234,567", whatever the culture.</summary>
    public static string Format(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
