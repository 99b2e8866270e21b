using Google.Protobuf;

namespace ImageClassifier.Onnx.Export;

/// <summary>
/// Writes an <see cref="OnnxGraph"/> as an ONNX <c>ModelProto</c> (opset 17, IR version 8) with
/// Google.Protobuf's <see cref="CodedOutputStream"/>: the few ONNX messages an exported classifier
/// needs, by the field numbers of ONNX's <c>onnx.proto</c>. Nested messages are written to a
/// buffer first, since protobuf puts a message's length before it.
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>The operator set every exported graph uses (LayerNormalization appears in 17).</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version that goes with opset 17.</summary>
    public const long IrVersion = 8;

    /// <summary>Writes the model to <paramref name="stream"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="metadata">Key-value pairs stored as the model's <c>metadata_props</c>.</param>
    /// <param name="stream">Where to write.</param>
    public static void Write(OnnxGraph graph, IReadOnlyDictionary<string, string> metadata, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(stream);
        using var output = new CodedOutputStream(stream, leaveOpen: true);

        // ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8, metadata_props 14.
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt64(IrVersion);
        WriteString(output, 2, "ImageClassifier");
        WriteString(output, 3, typeof(OnnxModelWriter).Assembly.GetName().Version?.ToString() ?? "0");
        WriteMessage(output, 7, writer => WriteGraph(writer, graph));
        WriteMessage(output, 8, writer =>
        {
            // OperatorSetIdProto: domain 1 (empty: the default domain), version 2.
            writer.WriteTag(2, WireFormat.WireType.Varint);
            writer.WriteInt64(Opset);
        });
        foreach (var (key, value) in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            // StringStringEntryProto: key 1, value 2.
            WriteMessage(output, 14, writer =>
            {
                WriteString(writer, 1, key);
                WriteString(writer, 2, value);
            });
        }

        output.Flush();
    }

    // GraphProto: node 1, name 2, initializer 5, input 11, output 12.
    private static void WriteGraph(CodedOutputStream output, OnnxGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            WriteMessage(output, 1, writer => WriteNode(writer, node));
        }

        WriteString(output, 2, graph.Name);
        foreach (var tensor in graph.Initializers)
        {
            WriteMessage(output, 5, writer => WriteTensor(writer, tensor));
        }

        foreach (var input in graph.Inputs)
        {
            WriteMessage(output, 11, writer => WriteValueInfo(writer, input));
        }

        foreach (var graphOutput in graph.Outputs)
        {
            WriteMessage(output, 12, writer => WriteValueInfo(writer, graphOutput));
        }
    }

    // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.
    private static void WriteNode(CodedOutputStream output, OnnxNode node)
    {
        foreach (var input in node.Inputs)
        {
            WriteString(output, 1, input);
        }

        foreach (var nodeOutput in node.Outputs)
        {
            WriteString(output, 2, nodeOutput);
        }

        WriteString(output, 3, node.Name);
        WriteString(output, 4, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            WriteMessage(output, 5, writer => WriteAttribute(writer, attribute));
        }
    }

    // AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8, type 20. Repeated numbers are written
    // unpacked, proto2's encoding, which onnx.proto (proto2) declares.
    private static void WriteAttribute(CodedOutputStream output, OnnxAttribute attribute)
    {
        WriteString(output, 1, attribute.Name);
        switch (attribute.Kind)
        {
            case OnnxAttributeKind.Float:
                output.WriteTag(2, WireFormat.WireType.Fixed32);
                output.WriteFloat(attribute.FloatValue);
                break;
            case OnnxAttributeKind.Int:
                output.WriteTag(3, WireFormat.WireType.Varint);
                output.WriteInt64(attribute.IntValue);
                break;
            case OnnxAttributeKind.String:
                WriteString(output, 4, attribute.StringValue!);
                break;
            case OnnxAttributeKind.Floats:
                foreach (var value in attribute.FloatValues!)
                {
                    output.WriteTag(7, WireFormat.WireType.Fixed32);
                    output.WriteFloat(value);
                }

                break;
            case OnnxAttributeKind.Ints:
                foreach (var value in attribute.IntValues!)
                {
                    output.WriteTag(8, WireFormat.WireType.Varint);
                    output.WriteInt64(value);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(attribute), attribute.Kind, "An attribute kind the writer does not know.");
        }

        output.WriteTag(20, WireFormat.WireType.Varint);
        output.WriteEnum((int)attribute.Kind);
    }

    // TensorProto: dims 1, data_type 2, name 8, raw_data 9.
    private static void WriteTensor(CodedOutputStream output, OnnxTensor tensor)
    {
        foreach (var dimension in tensor.Dims)
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(dimension);
        }

        output.WriteTag(2, WireFormat.WireType.Varint);
        output.WriteInt32((int)tensor.DataType);
        WriteString(output, 8, tensor.Name);
        output.WriteTag(9, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(tensor.RawData));
    }

    // ValueInfoProto: name 1, type 2. TypeProto: tensor_type 1. TypeProto.Tensor: elem_type 1,
    // shape 2. TensorShapeProto: dim 1. Dimension: dim_value 1, dim_param 2.
    private static void WriteValueInfo(CodedOutputStream output, OnnxValueInfo value)
    {
        WriteString(output, 1, value.Name);
        WriteMessage(output, 2, type => WriteMessage(type, 1, tensorType =>
        {
            tensorType.WriteTag(1, WireFormat.WireType.Varint);
            tensorType.WriteInt32((int)value.DataType);
            WriteMessage(tensorType, 2, shape =>
            {
                foreach (var dimension in value.Shape)
                {
                    WriteMessage(shape, 1, writer =>
                    {
                        if (dimension.Value is { } size)
                        {
                            writer.WriteTag(1, WireFormat.WireType.Varint);
                            writer.WriteInt64(size);
                        }
                        else
                        {
                            WriteString(writer, 2, dimension.Symbol ?? string.Empty);
                        }
                    });
                }
            });
        }));
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var nested = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(nested);
        }

        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)));
    }
}
