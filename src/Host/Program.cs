using ImageClassifier.Hosting.Commands;

return CommandLineApp.Run(args);
