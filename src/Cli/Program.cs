using ImageClassifier.Cli.Commands;

return CommandLineApp.Run(args);
