using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// MSBuild inline task (see TorchSharpNative.targets for why it exists). It edits the ELF64
// version-needs table of each library: the auxiliary entry naming Version gets VER_FLG_WEAK.
public class MarkGlibcxxRequirementWeak : Task
{
    private const uint SectionTypeVersionNeeds = 0x6ffffffe;
    private const ushort WeakFlag = 0x2;

    private static readonly string[] SystemLibstdcxxPaths =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
    };

    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string Version { get; set; } = "";

    public override bool Execute()
    {
        var system = Array.Find(SystemLibstdcxxPaths, File.Exists);
        if (system == null)
        {
            Log.LogMessage(MessageImportance.Low, "No system libstdc++ found; TorchSharp's native library is left as it is.");
            return true;
        }

        if (Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, system + " provides " + Version + "; TorchSharp's native library is left as it is.");
            return true;
        }

        foreach (var library in Libraries)
        {
            var path = library.GetMetadata("FullPath");
            try
            {
                var image = File.ReadAllBytes(path);
                var changed = MarkWeak(image, Version);
                if (changed)
                {
                    // Write a new file rather than editing in place, so that a hard link into the
                    // NuGet cache is never modified.
                    var temporary = path + ".patching";
                    File.WriteAllBytes(temporary, image);
                    File.Copy(temporary, path, overwrite: true);
                    File.Delete(temporary);
                    Log.LogMessage(MessageImportance.Normal, "Marked the " + Version + " requirement of " + path + " weak: " + system + " lacks it.");
                }
            }
            catch (Exception error) when (error is IOException || error is InvalidDataException || error is UnauthorizedAccessException)
            {
                Log.LogError("Could not adapt " + path + " to this system's libstdc++: " + error.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }

    // Returns true when a flag was changed; false when the requirement was already weak or absent.
    private static bool MarkWeak(byte[] image, string version)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException("not a little-endian 64-bit ELF file");
        }

        var sectionTableOffset = (long)ReadUInt64(image, 0x28);
        var sectionEntrySize = ReadUInt16(image, 0x3A);
        var sectionCount = ReadUInt16(image, 0x3C);
        var changed = false;
        for (var index = 0; index < sectionCount; index++)
        {
            var header = sectionTableOffset + (index * (long)sectionEntrySize);
            if (ReadUInt32(image, header + 4) != SectionTypeVersionNeeds)
            {
                continue;
            }

            var tableOffset = (long)ReadUInt64(image, header + 0x18);
            var stringSectionIndex = ReadUInt32(image, header + 0x28);
            var entryCount = ReadUInt32(image, header + 0x2C);
            var stringsHeader = sectionTableOffset + (stringSectionIndex * (long)sectionEntrySize);
            var stringsOffset = (long)ReadUInt64(image, stringsHeader + 0x18);

            var need = tableOffset;
            for (var entry = 0; entry < entryCount; entry++)
            {
                var auxiliaryCount = ReadUInt16(image, need + 2);
                var auxiliary = need + ReadUInt32(image, need + 8);
                for (var item = 0; item < auxiliaryCount; item++)
                {
                    var name = ReadString(image, stringsOffset + ReadUInt32(image, auxiliary + 8));
                    var flags = ReadUInt16(image, auxiliary + 4);
                    if (name == version && (flags & WeakFlag) == 0)
                    {
                        WriteUInt16(image, auxiliary + 4, (ushort)(flags | WeakFlag));
                        changed = true;
                    }

                    auxiliary += ReadUInt32(image, auxiliary + 12);
                }

                need += ReadUInt32(image, need + 12);
            }
        }

        return changed;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (var start = 0; start <= haystack.Length - needle.Length; start++)
        {
            var matched = true;
            for (var offset = 0; offset < needle.Length && matched; offset++)
            {
                matched = haystack[start + offset] == needle[offset];
            }

            if (matched)
            {
                return true;
            }
        }

        return false;
    }

    private static ushort ReadUInt16(byte[] image, long at) => (ushort)(image[at] | (image[at + 1] << 8));

    private static uint ReadUInt32(byte[] image, long at) => (uint)(ReadUInt16(image, at) | (ReadUInt16(image, at + 2) << 16));

    private static ulong ReadUInt64(byte[] image, long at) => ReadUInt32(image, at) | ((ulong)ReadUInt32(image, at + 4) << 32);

    private static void WriteUInt16(byte[] image, long at, ushort value)
    {
        image[at] = (byte)value;
        image[at + 1] = (byte)(value >> 8);
    }

    private static string ReadString(byte[] image, long at)
    {
        var end = at;
        while (image[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(image, (int)at, (int)(end - at));
    }
}
