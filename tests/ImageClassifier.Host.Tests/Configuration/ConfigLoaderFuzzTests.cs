using CsCheck;
using ImageClassifier.Hosting.Configuration;

namespace ImageClassifier.Hosting.Tests.Configuration;

/// <summary>
/// Property-based hostile input for <see cref="ConfigLoader"/>: random bytes, JSON-ish text,
/// mutations of the repository's own configs (with their <c>_base_</c> files) and random
/// <c>--cfg-options</c>. Whatever comes in, a load either succeeds or throws one
/// <see cref="ConfigException"/> that names a file (or argument) with a line and a column; it
/// never crashes, never throws anything else and never hangs. Iteration counts keep each property
/// to a few seconds on a 2-core machine.
/// </summary>
public sealed class ConfigLoaderFuzzTests : IDisposable
{
    private const string JsonAlphabet = "{}[]\":,0123456789.eE+-tfnulrsaNIy _/*\\\n\r\t'#\u00e9\uFEFF";

    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private readonly TempConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Random_bytes_load_or_fail_with_a_located_config_exception()
    {
        var path = _folder.PathOf("random.json");
        Gen.Byte.Array[0, 200].Sample(
            bytes =>
            {
                File.WriteAllBytes(path, bytes);
                AssertLoadsOrFailsAt(() => ConfigLoader.Load(path), [path]);
            },
            iter: 400,
            threads: 1);
    }

    [Fact]
    public void Random_json_like_text_loads_or_fails_with_a_located_config_exception()
    {
        var path = _folder.PathOf("text.json");
        Gen.Char[JsonAlphabet].Array[0, 120].Select(chars => new string(chars)).Sample(
            text =>
            {
                _folder.Write("text.json", text);
                AssertLoadsOrFailsAt(() => ConfigLoader.Load(path), [path]);
            },
            iter: 600,
            threads: 1);
    }

    [Fact]
    public void Mutations_of_the_repository_configs_load_or_fail_with_a_located_config_exception()
    {
        var copy = CopyRepositoryConfigs();
        var original = File.ReadAllText(Path.Combine(copy, "quickstart.json"));
        var mutant = Path.Combine(copy, "mutant.json");
        var known = Directory.GetFiles(copy, "*.json", SearchOption.AllDirectories).Append(mutant).ToArray();
        var mutation = Gen.Select(Gen.Int[0, 3], Gen.Int[0, original.Length], Gen.Int[0, 40], Gen.Char[JsonAlphabet].Array[1, 8]);
        mutation.Sample(
            change =>
            {
                File.WriteAllText(mutant, Mutate(original, change.Item1, change.Item2, change.Item3, new string(change.Item4)));
                AssertLoadsOrFailsAt(() => ConfigLoader.Load(mutant), known);
            },
            iter: 300,
            threads: 1);
    }

    [Fact]
    public void Random_cfg_options_apply_or_fail_at_their_argument()
    {
        var path = _folder.Write("base.json", """{"model": {"head": {"num_classes": 10}}, "train_pipeline": [{"type": "A"}]}""");
        string[] keys = ["model.head.num_classes", "model.head", "train_pipeline.0.type", "train_pipeline.7", "model..x", ".a", "a.", "model.head.num_classes.deeper", "", "_base_"];
        var key = Gen.Int[0, keys.Length - 1].Select(index => keys[index]);
        var value = Gen.Char[JsonAlphabet + "=TrueFalseNone"].Array[0, 40].Select(chars => new string(chars));
        Gen.Select(key, value, Gen.Bool).Sample(
            option =>
            {
                var argument = option.Item3 ? $"{option.Item1}={option.Item2}" : option.Item1 + option.Item2;
                var error = WithinHangLimit(() => ConfigLoader.Load(path, new[] { argument }));
                if (error is null)
                {
                    return;
                }

                var config = Assert.IsType<ConfigException>(error);
                if (config.Location.IsCommandLine)
                {
                    Assert.Equal(SourceLocation.CommandLineSource(1), config.Location.Path);
                    Assert.True(config.Location.Column >= 1, config.Message);
                }
                else
                {
                    // Merging an option into the file can fail at the value the file set.
                    Assert.Equal(path, config.Location.Path);
                    Assert.True(config.Location.Line >= 1 && config.Location.Column >= 1, config.Message);
                }
            },
            iter: 800,
            threads: 1);
    }

    [Fact]
    public void A_fifo_as_base_is_refused_at_its_entry_without_opening_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // named pipes are made with mkfifo(1), and the kind check is statx(2)'s
        }

        var fifo = _folder.PathOf("pipe.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var path = _folder.Write("a.json", "{\n  \"_base_\": [\"pipe.json\"]\n}\n");

        var error = Assert.IsType<ConfigException>(WithinHangLimit(() => ConfigLoader.Load(path)));
        Assert.Equal(new SourceLocation(path, 2, 14), error.Location);
        Assert.Contains($"base config {fifo} is a named pipe (FIFO), not a regular file", error.Message, StringComparison.Ordinal);

        var direct = Assert.IsType<ConfigException>(WithinHangLimit(() => ConfigLoader.Load(fifo)));
        Assert.Contains("this is a named pipe (FIFO), not a config file", direct.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_past_the_size_limit_is_refused_naming_it()
    {
        var path = _folder.Write("big.json", "{\"a\": \"" + new string('x', 2000) + "\"}");

        var error = Assert.IsType<ConfigException>(Record.Exception(() => ConfigLoader.Load(path, limits: new ConfigReaderLimits { MaxFileBytes = 1024 })));

        Assert.Equal(path, error.Location.Path);
        Assert.Contains("the file is too large", error.Message, StringComparison.Ordinal);
    }

    private static void AssertLoadsOrFailsAt(Func<ConfigDocument> load, IReadOnlyCollection<string> files)
    {
        if (WithinHangLimit(load) is not { } error)
        {
            return;
        }

        var config = Assert.IsType<ConfigException>(error);
        Assert.Contains(config.Location.Path, files);
        Assert.True(config.Location.Line >= 1 && config.Location.Column >= 1, $"no line and column: {config.Message}");
        Assert.StartsWith($"{config.Location.Path}:{config.Location.Line}:{config.Location.Column}: ", config.Message, StringComparison.Ordinal);
    }

    // On its own thread, so that a load that blocks (a FIFO opened for reading) fails the test
    // instead of stalling the run; the thread is a background one and dies with the process.
    private static Exception? WithinHangLimit(Func<ConfigDocument> load)
    {
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => { load(); })) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(HangLimit), "the load hung");
        return error;
    }

    // 0 deletes a range, 1 inserts text, 2 repeats a range, 3 replaces a range.
    private static string Mutate(string text, int kind, int at, int length, string insert)
    {
        length = Math.Min(length, text.Length - at);
        return kind switch
        {
            0 => text.Remove(at, length),
            1 => text.Insert(at, insert),
            2 => text.Insert(at, text.Substring(at, length)),
            _ => text.Remove(at, length).Insert(at, insert),
        };
    }

    private string CopyRepositoryConfigs()
    {
        var source = FindRepositoryConfigs();
        var target = Path.Combine(_folder.Root, "configs");
        foreach (var file in Directory.GetFiles(source, "*.json", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    private static string FindRepositoryConfigs()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "configs", "quickstart.json");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new InvalidOperationException("The repository's configs/ folder was not found above the test assembly.");
    }
}
