using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Onnx;

/// <summary>
/// Builds an ONNX graph by walking a module tree: <see cref="Export(nn.Module, IReadOnlyList{string})"/>
/// exports a submodule (through its <see cref="IOnnxExportable"/>, or the table of TorchSharp's
/// standard layers in <see cref="TorchModuleExporters"/>), <see cref="Node(string, IReadOnlyList{string}, OnnxAttribute[])"/>
/// adds an operator, <see cref="Parameter"/> a weight. Values are named by the module path they
/// come from, and weights by their state-dict keys (<c>backbone.conv1.weight</c>), so a graph reads
/// like the model. No protobuf here: <see cref="Build"/> gives an <see cref="OnnxGraph"/> that a
/// serializer writes.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly List<OnnxNode> nodes = [];
    private readonly List<OnnxTensor> initializers = [];
    private readonly List<OnnxValueInfo> inputs = [];
    private readonly List<OnnxValueInfo> outputs = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<IntPtr, string> parameterNames = [];
    private readonly HashSet<IntPtr> consumed = [];
    private readonly Dictionary<string, string> exportedModuleTypes = new(StringComparer.Ordinal);
    private readonly Stack<(nn.Module Module, string Path)> scopes = new();
    private int counter;

    /// <summary>Creates an empty graph called <paramref name="name"/>.</summary>
    public OnnxGraphBuilder(string name = "main_graph")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The graph's name.</summary>
    public string Name { get; }

    /// <summary>The state-dict path of the module being exported ("" for the root), such as <c>backbone.layer1.0</c>.</summary>
    public string Path => scopes.Count == 0 ? string.Empty : scopes.Peek().Path;

    /// <summary>The graph inputs declared so far.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs => inputs;

    /// <summary>Declares a graph input and returns its name.</summary>
    /// <param name="name">The input's name.</param>
    /// <param name="dataType">Its element type.</param>
    /// <param name="shape">Its dimensions, fixed or named.</param>
    public string AddInput(string name, OnnxDataType dataType, IReadOnlyList<OnnxDimension> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Claim(name);
        inputs.Add(new OnnxValueInfo(name, dataType, [.. shape]));
        return name;
    }

    /// <summary>Makes <paramref name="value"/> a graph output called <paramref name="name"/> (through an Identity node).</summary>
    /// <param name="value">The value to output.</param>
    /// <param name="name">The output's name.</param>
    /// <param name="dataType">Its element type.</param>
    /// <param name="shape">Its dimensions, fixed or named.</param>
    public void AddOutput(string value, string name, OnnxDataType dataType, IReadOnlyList<OnnxDimension> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        ArgumentNullException.ThrowIfNull(shape);
        Claim(name);
        nodes.Add(new OnnxNode(name, "Identity", [value], [name], []));
        outputs.Add(new OnnxValueInfo(name, dataType, [.. shape]));
    }

    /// <summary>
    /// The shape of <paramref name="value"/> where the graph knows it without running: the graph
    /// inputs' shapes (a named dimension is null). Null for every other value.
    /// </summary>
    public IReadOnlyList<long?>? KnownShape(string value) =>
        knownShapes.TryGetValue(value, out var recorded) ? recorded :
        inputs.FirstOrDefault(input => input.Name == value)?.Shape.Select(dimension => dimension.Value).ToArray();

    /// <summary>
    /// Exports <paramref name="module"/>, a submodule of the module being exported (or the root),
    /// on <paramref name="values"/>: through its <see cref="IOnnxExportable"/>, else TorchSharp's
    /// standard layers. Inside, <see cref="Path"/> is the submodule's state-dict path.
    /// </summary>
    /// <returns>The output value names.</returns>
    /// <exception cref="OnnxExportException">The module (or one inside it) has no export; the message names its path and type.</exception>
    public IReadOnlyList<string> Export(nn.Module module, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(values);
        EnterScope(module);
        try
        {
            if (module is IOnnxExportable exportable)
            {
                OnnxOverrideCheck.RequireExportBeside(this, module, "forward", nameof(IOnnxExportable.ExportOnnx));
                return exportable.ExportOnnx(this, values);
            }

            if (TorchModuleExporters.TryExport(this, module, values) is { } exported)
            {
                return exported;
            }

            throw Unsupported($"has no ONNX export; implement {nameof(IOnnxExportable)}");
        }
        finally
        {
            scopes.Pop();
        }
    }

    /// <summary>Exports a module whose forward takes one tensor and returns one.</summary>
    /// <returns>The output value's name.</returns>
    public string Export(nn.Module module, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var exported = Export(module, [value]);
        return exported.Count == 1
            ? exported[0]
            : throw Unsupported($"gave {exported.Count} outputs where one tensor was expected (the export of {module.GetType().Name})");
    }

    /// <summary>Exports <paramref name="modules"/> one after the other, as a forward that calls them in turn; null entries are skipped.</summary>
    /// <returns>The last output's name.</returns>
    public string Chain(string value, params IEnumerable<nn.Module?> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules)
        {
            if (module is not null)
            {
                value = Export(module, value);
            }
        }

        return value;
    }

    /// <summary>Adds an operator with one output.</summary>
    /// <param name="opType">The operator ("Conv", "Add").</param>
    /// <param name="values">Its inputs; an empty string leaves an optional input out.</param>
    /// <param name="attributes">Its attributes.</param>
    /// <returns>The output value's name.</returns>
    public string Node(string opType, IReadOnlyList<string> values, params OnnxAttribute[] attributes) =>
        Node(opType, values, 1, attributes)[0];

    /// <summary>Adds an operator with <paramref name="outputCount"/> outputs.</summary>
    /// <returns>The output value names.</returns>
    public IReadOnlyList<string> Node(string opType, IReadOnlyList<string> values, int outputCount, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputCount);
        var name = Fresh(opType);
        var produced = outputCount == 1 ? [name] : Enumerable.Range(0, outputCount).Select(index => Fresh($"{opType}_out{index}")).ToArray();
        nodes.Add(new OnnxNode(name, opType, [.. values], produced, [.. attributes]));
        return produced;
    }

    /// <summary>
    /// Adds <paramref name="tensor"/> (a weight or buffer of the module being exported) as a float32
    /// initializer named after its state-dict key, <see cref="Path"/>.<paramref name="localName"/>.
    /// The same tensor added twice is one initializer.
    /// </summary>
    /// <returns>The initializer's name.</returns>
    public string Parameter(Tensor tensor, string localName)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentException.ThrowIfNullOrEmpty(localName);
        if (parameterNames.TryGetValue(tensor.Handle, out var existing))
        {
            return existing;
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var name = Unique(Join(Path, localName));
        initializers.Add(new OnnxTensor(name, OnnxDataType.Float, [.. tensor.shape], Bytes<float>(values)));
        parameterNames[tensor.Handle] = name;
        consumed.Add(tensor.Handle);
        return name;
    }

    /// <summary>
    /// Marks weights or buffers of the module being exported as accounted for without an initializer
    /// of their own: read into a constant worked out while exporting (a resized position embedding, a
    /// relative position bias gathered from its table by its index), or not needed by what the
    /// module computes in evaluation mode (a folded batch norm's statistics, a step counter).
    /// <see cref="RequireStateUsed"/> refuses a model with state that is neither this nor a <see cref="Parameter"/>.
    /// </summary>
    /// <param name="tensors">The tensors, as the module holds them; null entries are skipped.</param>
    public void Consumed(params IEnumerable<Tensor?> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var tensor in tensors)
        {
            if (tensor is not null)
            {
                consumed.Add(tensor.Handle);
            }
        }
    }

    /// <summary>Adds a float32 constant of shape <paramref name="dims"/> (empty for a scalar).</summary>
    /// <returns>The constant's name.</returns>
    public string Constant(IReadOnlyList<float> values, IReadOnlyList<long> dims) => AddConstant(values, dims, OnnxDataType.Float);

    /// <summary>Adds an int64 constant of shape <paramref name="dims"/> (empty for a scalar), for shapes, axes and indices.</summary>
    /// <returns>The constant's name.</returns>
    public string Constant(IReadOnlyList<long> values, IReadOnlyList<long> dims) => AddConstant(values, dims, OnnxDataType.Int64);

    /// <summary>A float32 scalar constant.</summary>
    public string Scalar(float value) => Constant([value], []);

    /// <summary>A 1-D int64 constant, for shapes, axes and indices.</summary>
    public string Int64s(params IReadOnlyList<long> values) => Constant(values, [values.Count]);

    /// <summary>
    /// An error about the module being exported: its path and type, then <paramref name="problem"/>
    /// ("uses padding_mode circular, which ONNX opset 17 cannot pad").
    /// </summary>
    public OnnxExportException Unsupported(string problem)
    {
        var (module, path) = scopes.Count == 0 ? (null, string.Empty) : scopes.Peek();
        var where = path.Length == 0 ? "the model" : path;
        var type = module is null ? string.Empty : $" ({module.GetType().Name})";
        return new OnnxExportException($"{where}{type} {problem}.");
    }

    /// <summary>The finished graph.</summary>
    /// <exception cref="InvalidOperationException">No output was declared.</exception>
    public OnnxGraph Build()
    {
        if (outputs.Count == 0)
        {
            throw new InvalidOperationException("The graph has no output: call AddOutput first.");
        }

        return new OnnxGraph(Name, [.. nodes], [.. initializers], [.. inputs], [.. outputs]);
    }

    /// <summary>
    /// Checks, after <paramref name="model"/> was exported, that the graph accounts for every
    /// parameter and persistent buffer of its state dict (<see cref="Parameter"/> or <see cref="Consumed"/>):
    /// state that no export read means an export that ignores part of what the module computes,
    /// a graph that would run and give other scores.
    /// </summary>
    /// <param name="model">The module exported as the root.</param>
    /// <exception cref="OnnxExportException">Some state is unused; the message names each key and the export that ignores it.</exception>
    public void RequireStateUsed(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var unused = model.named_parameters().Select(entry => (Key: entry.name, Tensor: (Tensor)entry.parameter))
            .Concat(model.named_buffers(include_nonpersistent: false).Select(entry => (Key: entry.name, Tensor: entry.buffer)))
            .Where(entry => !consumed.Contains(entry.Tensor.Handle))
            .Select(entry => $"{entry.Key} is not used by the exported graph: the export of {IgnoringExport(entry.Key)} ignores it")
            .ToList();
        if (unused.Count == 0)
        {
            return;
        }

        const int shown = 5;
        var more = unused.Count > shown ? $"; and {unused.Count - shown} more" : string.Empty;
        throw new OnnxExportException(
            $"{string.Join("; ", unused.Take(shown))}{more}. Export it, or mark it with {nameof(OnnxGraphBuilder)}.{nameof(Consumed)} where the graph needs no initializer for it.");
    }

    // The innermost exported module on the key's path: the one whose export skipped the tensor (or the child holding it).
    private string IgnoringExport(string key)
    {
        for (var end = key.LastIndexOf('.'); end >= 0; end = key.LastIndexOf('.', end - 1))
        {
            if (exportedModuleTypes.TryGetValue(key[..end], out var type))
            {
                return type;
            }

            if (end == 0)
            {
                break;
            }
        }

        return exportedModuleTypes.TryGetValue(string.Empty, out var root) ? root : "the model";
    }

    private void EnterScope(nn.Module module)
    {
        var path = ChildPath(module);
        scopes.Push((module, path));
        exportedModuleTypes.TryAdd(path, module.GetType().Name);
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static byte[] Bytes<T>(T[] values)
        where T : unmanaged
    {
        // ONNX's raw_data is little-endian; TorchSharp runs on little-endian hosts only.
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    private string AddConstant<T>(IReadOnlyList<T> values, IReadOnlyList<long> dims, OnnxDataType dataType)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(dims);
        CheckCount(values.Count, dims);
        var name = Fresh("const");
        initializers.Add(new OnnxTensor(name, dataType, [.. dims], Bytes<T>([.. values])));
        return name;
    }

    private static void CheckCount(int count, IReadOnlyList<long> dims)
    {
        var expected = dims.Aggregate(1L, (product, dimension) => product * dimension);
        if (expected != count)
        {
            throw new ArgumentException($"A constant of shape [{string.Join(", ", dims)}] holds {expected} values, not {count}.");
        }
    }

    private string ChildPath(nn.Module module)
    {
        if (scopes.Count == 0)
        {
            return string.Empty;
        }

        var (parent, parentPath) = scopes.Peek();
        if (ReferenceEquals(parent, module))
        {
            return parentPath;
        }

        foreach (var (name, child) in parent.named_modules())
        {
            if (ReferenceEquals(child, module))
            {
                return Join(parentPath, name);
            }
        }

        // Not registered on the parent (built in forward, or kept outside the module tree): named by type.
        return Join(parentPath, $"<{module.GetType().Name}>");
    }

    private string Fresh(string hint)
    {
        string name;
        do
        {
            name = $"{(Path.Length == 0 ? "model" : Path)}/{hint}_{counter++}";
        }
        while (!names.Add(name));
        return name;
    }

    private string Unique(string name)
    {
        var candidate = name;
        for (var index = 1; !names.Add(candidate); index++)
        {
            candidate = $"{name}_{index}";
        }

        return candidate;
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!names.Add(name))
        {
            throw new ArgumentException($"The graph already has a value called '{name}'.", nameof(name));
        }
    }

    // Shapes and scopes for modules whose export depends on the map size or whose forward takes
    // more than tensors (the transformer families): kept together here, after the core builder.
    private readonly Dictionary<string, long?[]> knownShapes = new(StringComparer.Ordinal);

    /// <summary>
    /// Records the shape of <paramref name="value"/>, a value the graph computes, where the exporter
    /// knows it without running (a null dimension is not known, such as the batch), so that
    /// <see cref="KnownShape"/> gives it to the modules after it: a transformer's patch grid sets a
    /// resized position embedding and Swin's windows and attention masks, all constants of the
    /// exported image size.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="shape">Its dimensions.</param>
    public void SetKnownShape(string value, IReadOnlyList<long?> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        ArgumentNullException.ThrowIfNull(shape);
        knownShapes[value] = [.. shape];
    }

    /// <summary>
    /// Runs <paramref name="export"/> with <paramref name="module"/>, a submodule of the module being
    /// exported, as the current module: <see cref="Path"/> is its state-dict path, so the weights the
    /// callback adds are named after their keys and errors name it. For submodules whose forward
    /// takes more than tensors (Swin's blocks take the map's height and width), which export through
    /// a method of their own rather than <see cref="IOnnxExportable"/>.
    /// </summary>
    /// <returns>What <paramref name="export"/> returns.</returns>
    public T ExportWithin<T>(nn.Module module, Func<T> export)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(export);
        EnterScope(module);
        try
        {
            return export();
        }
        finally
        {
            scopes.Pop();
        }
    }
}
