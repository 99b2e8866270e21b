using System.Text.Json;
using ImageClassifier.Models.Checkpoints;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.TestHelpers;

/// <summary>
/// The PyTorch reference fixtures of tools/fixtures/make_zoo_fixtures.py (Fixtures/Zoo): one case
/// per entry of cases.json, with its mmpretrain config, the state dict of the whole classifier
/// (<c>&lt;case&gt;.pth</c>: <c>backbone.*</c>, <c>head.fc.*</c>) and the tensors of one forward pass
/// (<c>&lt;case&gt;.io.pth</c>). Read from the source tree, so no copy step is needed.
/// </summary>
internal static class ZooFixtures
{
    private static readonly Lazy<string> FolderPath = new(() => FixturePaths.Folder("Zoo"));

    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(FolderPath.Value, "cases.json"))));

    /// <summary>The fixture folder.</summary>
    public static string Folder => FolderPath.Value;

    /// <summary>The names of every case, in cases.json order.</summary>
    public static IReadOnlyList<string> Names =>
        [.. Document.Value.RootElement.GetProperty("cases").EnumerateArray().Select(entry => entry.GetProperty("name").GetString()!)];

    /// <summary>Every case name, as xunit theory data.</summary>
    public static TheoryData<string> NamesData()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names)
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static ZooCase Case(string name)
    {
        foreach (var entry in Document.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (entry.GetProperty("name").GetString() == name)
            {
                return new ZooCase(entry.Clone(), FolderPath.Value);
            }
        }

        throw new ArgumentException($"cases.json has no case '{name}'; it has {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>
    /// Binds a component config element (<c>{"type": ..., "depth": 18, ...}</c>) to the generated
    /// config class <typeparamref name="TConfig"/> through its JSON member names; "type" is left out.
    /// </summary>
    public static TConfig Bind<TConfig>(JsonElement config)
        where TConfig : ComponentConfig
    {
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in config.EnumerateObject().Where(property => property.Name != "type"))
        {
            members[property.Name] = property.Value;
        }

        return JsonSerializer.Deserialize<TConfig>(JsonSerializer.Serialize(members), BindOptions)
            ?? throw new InvalidOperationException($"The config bound to null: {config}.");
    }

    private static readonly JsonSerializerOptions BindOptions = new()
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}

/// <summary>One entry of cases.json, with the paths of its two checkpoint files.</summary>
internal sealed class ZooCase
{
    private readonly JsonElement entry;
    private readonly string folder;

    public ZooCase(JsonElement entry, string folder)
    {
        this.entry = entry;
        this.folder = folder;
    }

    public string Name => entry.GetProperty("name").GetString()!;

    public string Description => entry.GetProperty("description").GetString()!;

    /// <summary>The whole classifier config (<c>{"type": "ImageClassifier", "backbone": ..., "neck": ..., "head": ...}</c>).</summary>
    public JsonElement Config => entry.GetProperty("config");

    public JsonElement BackboneConfig => Config.GetProperty("backbone");

    public string BackboneType => BackboneConfig.GetProperty("type").GetString()!;

    public JsonElement NeckConfig => Config.GetProperty("neck");

    public JsonElement HeadConfig => Config.GetProperty("head");

    /// <summary>The state dict of the whole classifier (keys <c>backbone.*</c>, <c>head.fc.*</c>).</summary>
    public string StateDictPath => Path.Combine(folder, entry.GetProperty("files").GetProperty("state_dict").GetString()!);

    /// <summary>The forward-pass tensors: <c>input</c>, <c>features</c>, <c>neck</c>, <c>logits</c>.</summary>
    public string IoPath => Path.Combine(folder, entry.GetProperty("files").GetProperty("io").GetString()!);

    public long[] InputShape => Longs(entry.GetProperty("input_shape"));

    public long[] LogitsShape => Longs(entry.GetProperty("logits_shape"));

    public IReadOnlyList<long[]> FeatureShapes => [.. entry.GetProperty("feature_shapes").EnumerateArray().Select(Longs)];

    public IReadOnlyList<long[]> NeckShapes => [.. entry.GetProperty("neck_shapes").EnumerateArray().Select(Longs)];

    /// <summary>Output channels of every stage the backbone has (not only the returned ones).</summary>
    public int[] StageOutChannels => [.. entry.GetProperty("stage_out_channels").EnumerateArray().Select(item => item.GetInt32())];

    public long NumParams => entry.GetProperty("num_params").GetInt64();

    public int NumStateDictKeys => entry.GetProperty("num_state_dict_keys").GetInt32();

    /// <summary>The first and the last few keys of the whole classifier's state dict, as PyTorch lists them.</summary>
    public IReadOnlyList<string> FirstKeys => [.. entry.GetProperty("first_keys").EnumerateArray().Select(item => item.GetString()!)];

    public IReadOnlyList<string> LastKeys => [.. entry.GetProperty("last_keys").EnumerateArray().Select(item => item.GetString()!)];

    /// <summary>The state dict entries under <paramref name="prefix"/> ("backbone.", "head."), with the prefix removed; the tensors belong to the caller.</summary>
    public Dictionary<string, Tensor> ReadStateDict(string? prefix = null) =>
        StateDictLoader.SelectStateDict(TorchCheckpointReader.Read(StateDictPath), prefix);

    /// <summary>Reads the forward-pass tensors; dispose the result to release them.</summary>
    public ZooIo ReadIo()
    {
        var io = TorchCheckpointReader.ReadDictionary(IoPath);
        return new ZooIo((Tensor)io["input"]!, TensorList(io["features"]), TensorList(io["neck"]), (Tensor)io["logits"]!);
    }

    public override string ToString() => Name;

    private static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetInt64())];

    private static IReadOnlyList<Tensor> TensorList(object? value) => value switch
    {
        List<object?> list => [.. list.Cast<Tensor>()],
        object?[] tuple => [.. tuple.Cast<Tensor>()],
        Tensor tensor => [tensor],
        _ => throw new InvalidDataException($"Expected a list of tensors, got {value?.GetType().Name ?? "null"}."),
    };
}

/// <summary>The tensors of one reference forward pass: the input, the backbone's features, the neck's outputs and the logits.</summary>
internal sealed class ZooIo(Tensor input, IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> neck, Tensor logits) : IDisposable
{
    public Tensor Input { get; } = input;

    public IReadOnlyList<Tensor> Features { get; } = features;

    public IReadOnlyList<Tensor> Neck { get; } = neck;

    public Tensor Logits { get; } = logits;

    public void Dispose()
    {
        Input.Dispose();
        foreach (var tensor in Features.Concat(Neck))
        {
            tensor.Dispose();
        }

        Logits.Dispose();
    }
}
