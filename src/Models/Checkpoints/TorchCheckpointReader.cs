using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>
/// Reads files written by PyTorch's <c>torch.save</c>, in the zip format (the default since
/// PyTorch 1.6) and in the legacy format (<c>_use_new_zipfile_serialization=False</c>), without
/// Python and without running anything from the file; and safetensors files (by their
/// <c>.safetensors</c> name or their header), as <c>{"meta": metadata, "state_dict": tensors}</c>.
/// </summary>
/// <remarks>
/// <para>
/// The pickle inside is run by a data-only virtual machine with a strict allow-list of globals
/// (OrderedDict, PyTorch's tensor and parameter rebuild functions, storage types and dtypes,
/// torch.Size, numpy scalars and arrays, datetime values, and bytes as pickle protocol 2 spells
/// them). A file naming anything else is refused with a <see cref="CheckpointFormatException"/>
/// before any tensor is read.
/// </para>
/// <para>
/// The result is a tree of <see cref="Dictionary{TKey,TValue}"/> of string to object (in file
/// order; non-string keys are spelled as Python prints them), <see cref="List{T}"/> of object,
/// tuples as <c>object?[]</c>, <see cref="long"/> (<see cref="BigInteger"/> beyond 64 bits),
/// <see cref="double"/>, <see cref="string"/>, <see cref="bool"/>, null, <c>byte[]</c>,
/// <see cref="Tensor"/> (CPU, dtype and strides as saved; tensors that shared a storage still do),
/// <see cref="ScalarType"/> for torch dtypes, and <see cref="DateTime"/>, <see cref="DateTimeOffset"/>,
/// <see cref="DateOnly"/>, <see cref="TimeOnly"/>, <see cref="TimeSpan"/> for datetime values.
/// numpy scalars become long, double or bool; numpy arrays become tensors. The tensors belong to
/// the caller (or to the dispose scope open around the call).
/// </para>
/// </remarks>
public static class TorchCheckpointReader
{
    // torch.serialization.MAGIC_NUMBER, the first pickle of every legacy file.
    private static readonly BigInteger LegacyMagicNumber = BigInteger.Parse("119547037146038801333356", System.Globalization.CultureInfo.InvariantCulture);
    private const long LegacyProtocolVersion = 1001;
    private const string DataPickle = "data.pkl";

    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">
    /// The file is not a PyTorch checkpoint, is truncated or damaged, or names a global outside
    /// the allow-list; the message names the file and what was expected.
    /// </exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static object? Read(string path) => Read(path, null);

    /// <summary>Reads the checkpoint at <paramref name="path"/> within the limits of <paramref name="options"/>.</summary>
    /// <param name="path">The file, or an http(s) URL, downloaded once into the cache (<see cref="CheckpointDownloader"/>).</param>
    /// <param name="options">The limits; <see cref="CheckpointReadOptions.FromEnvironment"/> when null.</param>
    /// <exception cref="CheckpointFormatException">
    /// As for <see cref="Read(string)"/>, or the file declares more than the limits allow, or a zip
    /// record's declared size disagrees with the storage its pickle describes (checked before
    /// anything is inflated).
    /// </exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static object? Read(string path, CheckpointReadOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (CheckpointDownloader.IsUrl(path))
        {
            path = CheckpointDownloader.Resolve(path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Read(stream, path, options);
    }

    /// <summary>Reads a checkpoint from <paramref name="stream"/> (buffered into memory when it cannot seek).</summary>
    /// <param name="stream">The checkpoint bytes, from the current position on.</param>
    /// <param name="sourceName">The name errors give for the data, usually its file path.</param>
    /// <exception cref="CheckpointFormatException">As for <see cref="Read(string)"/>.</exception>
    public static object? Read(Stream stream, string? sourceName) => Read(stream, sourceName, null);

    /// <summary>Reads a checkpoint from <paramref name="stream"/> within the limits of <paramref name="options"/>.</summary>
    /// <param name="stream">The checkpoint bytes, from the current position on.</param>
    /// <param name="sourceName">The name errors give for the data, usually its file path.</param>
    /// <param name="options">The limits; <see cref="CheckpointReadOptions.FromEnvironment"/> when null.</param>
    /// <exception cref="CheckpointFormatException">As for <see cref="Read(string, CheckpointReadOptions?)"/>.</exception>
    public static object? Read(Stream stream, string? sourceName, CheckpointReadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= CheckpointReadOptions.FromEnvironment();
        if (!stream.CanSeek)
        {
            stream = Buffer(stream, sourceName, options);
        }

        try
        {
            Span<byte> head = stackalloc byte[9];
            var start = stream.Position;
            var headLength = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = start;
            if (headLength == 0)
            {
                throw NotACheckpoint(sourceName, "the file is empty");
            }

            if (SafetensorsFormat.HasExtension(sourceName) || SafetensorsFormat.LooksLikeHeader(head[..headLength], stream.Length - start))
            {
                return SafetensorsReader.Read(stream, sourceName, options);
            }

            if (headLength >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] is 3 or 5 or 7)
            {
                return ReadZip(stream, sourceName, options);
            }

            if (head[0] == PickleOpcodes.Proto)
            {
                return ReadLegacy(stream, sourceName, options);
            }

            throw NotACheckpoint(sourceName, $"it starts with {Preview(stream, start)}");
        }
        catch (Exception error) when (error is IOException or InvalidDataException or NotSupportedException or OverflowException)
        {
            throw new CheckpointFormatException(
                sourceName,
                $"'{PickleAllowList.Display(sourceName)}' is not a readable PyTorch checkpoint: it is truncated or damaged ({error.Message}).",
                error);
        }
    }

    /// <summary>Reads the checkpoint at <paramref name="path"/>, which must hold a dictionary at its root.</summary>
    /// <exception cref="CheckpointFormatException">As for <see cref="Read(string)"/>, or the root is not a dictionary.</exception>
    public static Dictionary<string, object?> ReadDictionary(string path) => ReadDictionary(path, null);

    /// <summary>Reads the checkpoint at <paramref name="path"/>, which must hold a dictionary at its root, within the limits of <paramref name="options"/>.</summary>
    /// <exception cref="CheckpointFormatException">As for <see cref="Read(string, CheckpointReadOptions?)"/>, or the root is not a dictionary.</exception>
    public static Dictionary<string, object?> ReadDictionary(string path, CheckpointReadOptions? options)
    {
        var root = Read(path, options);
        if (root is Dictionary<string, object?> dictionary)
        {
            return dictionary;
        }

        (root as Tensor)?.Dispose();
        throw new CheckpointFormatException(
            path,
            $"'{path}' holds a {PickleReconstructor.Describe(root)} at its root; a checkpoint or state dict is a dictionary.");
    }

    private static object? ReadZip(Stream stream, string? path, CheckpointReadOptions options)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException error)
        {
            throw NotACheckpoint(path, $"it starts like a zip archive, but the archive is truncated or damaged ({error.Message})", error);
        }

        using (archive)
        {
            var pickles = archive.Entries.Where(entry => IsTopLevelDataPickle(entry.FullName)).ToList();
            if (pickles.Count != 1)
            {
                var isTorchScript = archive.Entries.Any(entry => entry.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal) || entry.FullName.Contains("/code/", StringComparison.Ordinal));
                throw NotACheckpoint(path, pickles.Count > 1
                    ? "the zip archive holds more than one data.pkl"
                    : isTorchScript
                        ? "it is a TorchScript archive (torch.jit.save), which holds code; save and load model.state_dict() instead"
                        : "the zip archive has no data.pkl record");
            }

            var pickleEntry = pickles[0];
            var prefix = pickleEntry.FullName[..^DataPickle.Length];
            CheckByteOrder(archive.GetEntry(prefix + "byteorder"), path);
            var pickleBytes = ReadPickleRecord(pickleEntry, path, options);
            var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
            var machine = new PickleMachine(new MemoryStream(pickleBytes, writable: false), path, pickleEntry.FullName,
                pid => ZipStorage(pid, storages, path, pickleEntry.FullName));
            var root = machine.Load();

            // Every record is checked against its storage, and the total against the limit, before
            // the first one is inflated: a lying header is refused at the cost of reading headers.
            Int128 total = 0;
            foreach (var storage in storages.Values)
            {
                total += CheckZipRecord(archive, prefix, storage, path);
            }

            CheckTotal(total, storages.Count, path, options);

            using var materializer = new TensorMaterializer(path, (storage, dtype) => ReadZipRecord(archive, prefix, storage, dtype, path));
            return materializer.Materialize(root);
        }
    }

    private static bool IsTopLevelDataPickle(string name)
    {
        if (name == DataPickle)
        {
            return true;
        }

        var slash = name.IndexOf('/');
        return slash > 0 && name.Length == slash + 1 + DataPickle.Length && name.EndsWith("/" + DataPickle, StringComparison.Ordinal);
    }

    private static void CheckByteOrder(ZipArchiveEntry? entry, string? path)
    {
        if (entry is null)
        {
            return; // written before PyTorch recorded the byte order: little-endian
        }

        // "little" or "big": a longer record is damaged, and is not inflated to find out how long.
        const int longestOrder = 16;
        using var bounded = new BoundedReadStream(entry.Open(), longestOrder);
        using var reader = new StreamReader(bounded, Encoding.ASCII);
        var order = reader.ReadToEnd().Trim();
        if (bounded.BytesRead == longestOrder && bounded.InnerHasMore())
        {
            throw NotACheckpoint(path, $"its {entry.FullName} record is longer than a byte order (\"little\" or \"big\") can be");
        }

        if (order != "little")
        {
            throw NotACheckpoint(path, $"its tensors are stored {order}-endian; only little-endian checkpoints are read");
        }
    }

    private static StorageRef ZipStorage(object? pid, Dictionary<string, StorageRef> storages, string? path, string part)
    {
        if (pid is not object?[] { Length: 5 } id || id[0] is not "storage")
        {
            throw BadPersistentId(pid, path, part);
        }

        if (id[1] is not PickleGlobal { Kind: PickleGlobalKind.StorageClass, DType: { } dtype } || id[2] is not string key || id[3] is not string location || id[4] is not long count || count < 0)
        {
            throw BadPersistentId(pid, path, part);
        }

        if (storages.TryGetValue(key, out var known))
        {
            return known;
        }

        var storage = new StorageRef(key, dtype, 0, count, location);
        storages[key] = storage;
        return storage;
    }

    /// <summary>The bytes of the record behind <paramref name="storage"/>, once its header agrees with the pickle.</summary>
    private static long CheckZipRecord(ZipArchive archive, string prefix, StorageRef storage, string? path)
    {
        var name = $"{prefix}data/{storage.Key}";
        var entry = archive.GetEntry(name) ?? throw NotACheckpoint(path, $"its pickle refers to storage '{storage.Key}', but the archive has no {name} record");
        var elementSize = TorchDtypes.ElementSize(storage.DType);
        var declared = (Int128)storage.ElementCount * elementSize;

        // torch.save writes each storage's bytes and nothing else, so any other size is a damaged
        // or forged archive, and a larger one would have us inflate data nobody asked for.
        if (entry.Length != declared)
        {
            throw Refused(path,
                $"its {name} record declares {entry.Length} bytes uncompressed ({entry.CompressedLength} compressed), but the pickle's storage '{storage.Key}' " +
                $"needs {storage.ElementCount} {TorchDtypes.PythonName(storage.DType)} elements x {elementSize} bytes = {declared} bytes; the record is refused before it is inflated");
        }

        return entry.Length;
    }

    private static void CheckTotal(Int128 total, int count, string? path, CheckpointReadOptions options)
    {
        if (total > options.MaxStorageBytes)
        {
            throw Refused(path,
                $"its {count} tensor storage(s) need {total} bytes in all, more than the limit of {options.MaxStorageBytes} bytes " +
                $"(set {CheckpointReadOptions.MaxStorageBytesVariable} or {nameof(CheckpointReadOptions)}.{nameof(CheckpointReadOptions.MaxStorageBytes)} to allow more)");
        }
    }

    private static Tensor ReadZipRecord(ZipArchive archive, string prefix, StorageRef storage, ScalarType dtype, string? path)
    {
        var name = $"{prefix}data/{storage.Key}";
        var entry = archive.GetEntry(name)!; // checked, with its size, before any record was read
        var bytes = entry.Length - (entry.Length % TorchDtypes.ElementSize(dtype));
        using var data = new BoundedReadStream(entry.Open(), entry.Length);
        Tensor tensor;
        try
        {
            tensor = TensorBytes.ReadStorage(data, dtype, bytes);
        }
        catch (EndOfStreamException error)
        {
            throw Refused(path, $"its {name} record declares {entry.Length} bytes, but inflates to only {data.BytesRead} (the archive is truncated or damaged)", error);
        }

        if (data.BytesRead < entry.Length)
        {
            // The few bytes past the last whole element still belong to the record.
            Span<byte> rest = stackalloc byte[8];
            data.ReadAtLeast(rest, (int)(entry.Length - data.BytesRead), throwOnEndOfStream: false);
        }

        if (data.BytesRead == entry.Length && data.InnerHasMore())
        {
            tensor.Dispose();
            throw Refused(path, $"its {name} record inflates to more than the {entry.Length} bytes its header declares; reading stopped there (the archive is damaged or forged)");
        }

        return tensor;
    }

    private static byte[] ReadPickleRecord(ZipArchiveEntry entry, string? path, CheckpointReadOptions options)
    {
        if (entry.Length > options.MaxPickleBytes || entry.Length > Array.MaxLength)
        {
            throw Refused(path,
                $"its {entry.FullName} record declares {entry.Length} bytes, more than the limit of {Math.Min(options.MaxPickleBytes, Array.MaxLength)} bytes " +
                $"(set {CheckpointReadOptions.MaxPickleBytesVariable} or {nameof(CheckpointReadOptions)}.{nameof(CheckpointReadOptions.MaxPickleBytes)} to allow more)");
        }

        // Grown as bytes arrive rather than allocated from the header, so a header that
        // overstates the size costs nothing; the bound stops one that understates it.
        using var data = new BoundedReadStream(entry.Open(), entry.Length);
        var bytes = new MemoryStream((int)Math.Min(entry.Length, 1 << 20));
        data.CopyTo(bytes);
        if (bytes.Length != entry.Length)
        {
            throw Refused(path, $"its {entry.FullName} record declares {entry.Length} bytes, but inflates to only {bytes.Length} (the archive is truncated or damaged)");
        }

        if (data.InnerHasMore())
        {
            throw Refused(path, $"its {entry.FullName} record inflates to more than the {entry.Length} bytes its header declares; reading stopped there (the archive is damaged or forged)");
        }

        return bytes.GetBuffer().Length == bytes.Length ? bytes.GetBuffer() : bytes.ToArray();
    }

    private static MemoryStream Buffer(Stream stream, string? sourceName, CheckpointReadOptions options)
    {
        // The whole checkpoint may be stored uncompressed: its storages, its pickle and a margin
        // for the zip's own headers; a stream longer than that would be refused anyway.
        const long headerMargin = 1 << 20;
        var limit = Math.Min(Array.MaxLength, Math.Min(options.MaxStorageBytes, long.MaxValue / 2) + Math.Min(options.MaxPickleBytes, long.MaxValue / 4) + headerMargin);
        using var bounded = new BoundedReadStream(stream, limit);
        var buffered = new MemoryStream();
        bounded.CopyTo(buffered);
        if (bounded.BytesRead == limit && bounded.InnerHasMore())
        {
            throw Refused(sourceName, $"the stream holds more than {limit} bytes, more than a checkpoint within the limits ({options.MaxStorageBytes} bytes of storages, {options.MaxPickleBytes} of pickle) can be");
        }

        buffered.Position = 0;
        return buffered;
    }

    private static object? ReadLegacy(Stream stream, string? path, CheckpointReadOptions options)
    {
        object? RefuseStorage(object? pid) => throw BadPersistentId(pid, path, "the legacy header");

        var magic = new PickleMachine(stream, path, "the first pickle", RefuseStorage).Load();
        if (magic is not BigInteger number || number != LegacyMagicNumber)
        {
            throw NotACheckpoint(path, "it is a pickle, but not one written by torch.save (a legacy checkpoint starts with PyTorch's magic number)");
        }

        var protocol = new PickleMachine(stream, path, "the legacy protocol pickle", RefuseStorage).Load();
        if (protocol is not long version || version != LegacyProtocolVersion)
        {
            throw NotACheckpoint(path, $"its legacy protocol version is {protocol ?? "None"}; version {LegacyProtocolVersion} is read");
        }

        var systemInfo = new PickleMachine(stream, path, "the legacy system-info pickle", RefuseStorage).Load();
        if (systemInfo is Dictionary<string, object?> info && info.TryGetValue("little_endian", out var little) && little is false)
        {
            throw NotACheckpoint(path, "it was saved on a big-endian machine; only little-endian checkpoints are read");
        }

        var roots = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        var views = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        const string objectPart = "the legacy object pickle";
        var root = new PickleMachine(stream, path, objectPart, pid => LegacyStorage(pid, roots, views, path, objectPart)).Load();
        var keys = new PickleMachine(stream, path, "the legacy storage-key pickle", RefuseStorage).Load();
        if (keys is not List<object?> keyList || keyList.Any(key => key is not string))
        {
            throw NotACheckpoint(path, "its legacy storage-key pickle is not a list of strings");
        }

        Int128 total = 0;
        foreach (var storage in roots.Values)
        {
            total += (Int128)storage.ElementCount * TorchDtypes.ElementSize(storage.DType);
        }

        CheckTotal(total, roots.Count, path, options);

        var records = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            Span<byte> countBytes = stackalloc byte[8];
            foreach (var key in keyList.Cast<string>())
            {
                if (!roots.TryGetValue(key, out var storage) || records.ContainsKey(key))
                {
                    throw NotACheckpoint(path, $"its storage list names '{key}', which its pickle does not use once");
                }

                stream.ReadExactly(countBytes);
                var count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
                var elementSize = TorchDtypes.ElementSize(storage.DType);
                if (count < 0 || (Int128)count * elementSize > stream.Length - stream.Position)
                {
                    throw NotACheckpoint(path, $"storage '{key}' declares {count} elements, more than the rest of the file holds (the file is truncated)");
                }

                records[key] = TensorBytes.ReadStorage(stream, storage.DType, count * elementSize);
            }

            Tensor OpenRecord(StorageRef storage, ScalarType dtype)
            {
                if (dtype != storage.DType)
                {
                    throw NotACheckpoint(path, $"storage '{storage.Key}' of {TorchDtypes.PythonName(storage.DType)} is viewed as {TorchDtypes.PythonName(dtype)}, which the legacy format cannot hold");
                }

                // The materializer owns (and disposes) the records it opens.
                return records.Remove(storage.Key, out var record)
                    ? record
                    : throw NotACheckpoint(path, $"its pickle refers to storage '{storage.Key}', which the file does not hold");
            }

            using var materializer = new TensorMaterializer(path, OpenRecord);
            return materializer.Materialize(root);
        }
        finally
        {
            foreach (var unused in records.Values)
            {
                unused.Dispose();
            }
        }
    }

    private static StorageRef LegacyStorage(object? pid, Dictionary<string, StorageRef> roots, Dictionary<string, StorageRef> views, string? path, string part)
    {
        if (pid is object?[] { Length: > 0 } moduleId && moduleId[0] is "module")
        {
            throw NotACheckpoint(path, "it pickles a whole nn.Module (torch.save(model)), which can only be rebuilt by running the model's Python code; save and load model.state_dict() instead");
        }

        if (pid is not object?[] { Length: 6 } id || id[0] is not "storage"
            || id[1] is not PickleGlobal { Kind: PickleGlobalKind.StorageClass, DType: { } dtype }
            || id[2] is not string rootKey || id[3] is not string location || id[4] is not long count || count < 0)
        {
            throw BadPersistentId(pid, path, part);
        }

        if (!roots.TryGetValue(rootKey, out var root))
        {
            root = new StorageRef(rootKey, dtype, 0, count, location);
            roots[rootKey] = root;
        }

        if (id[5] is null)
        {
            return root;
        }

        // Storage views, from PyTorch versions that had them: (view key, offset, size) into the root.
        if (id[5] is not object?[] { Length: 3 } view || view[0] is not string viewKey || view[1] is not long offset || view[2] is not long size || offset < 0 || size < 0)
        {
            throw BadPersistentId(pid, path, part);
        }

        if (!views.TryGetValue(viewKey, out var storageView))
        {
            storageView = new StorageRef(rootKey, dtype, offset, size, location);
            views[viewKey] = storageView;
        }

        return storageView;
    }

    private static CheckpointFormatException BadPersistentId(object? pid, string? path, string part) =>
        new(path, $"'{PickleAllowList.Display(path)}' is not a readable PyTorch checkpoint: {part} refers to an external object " +
            $"({PickleReconstructor.Describe(pid)}) that is not a tensor storage in torch.save's layout; only storages are loaded.");

    private static CheckpointFormatException NotACheckpoint(string? path, string finding, Exception? inner = null) =>
        new(path,
            $"'{PickleAllowList.Display(path)}' is not a readable PyTorch checkpoint: expected a zip archive written by torch.save " +
            $"(data.pkl with data/ records) or the legacy torch.save format (pickles starting with PyTorch's magic number), but {finding}.",
            inner);

    private static CheckpointFormatException Refused(string? path, string problem, Exception? inner = null) =>
        new(path, $"'{PickleAllowList.Display(path)}' is not a readable PyTorch checkpoint: {problem}.", inner);

    private static string Preview(Stream stream, long start)
    {
        Span<byte> head = stackalloc byte[16];
        stream.Position = start;
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..length];
        var hex = Convert.ToHexString(head[..Math.Min(8, length)]);
        var printable = true;
        foreach (var value in head)
        {
            printable &= value is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\r' or (byte)'\t';
        }

        return printable
            ? $"the text \"{Encoding.ASCII.GetString(head).ReplaceLineEndings(" ")}\""
            : $"the bytes {hex}";
    }
}
