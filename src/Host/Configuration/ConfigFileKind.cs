using System.Runtime.InteropServices;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// Tells a regular file from a named pipe, device, socket or directory before it is opened:
/// opening a FIFO for reading blocks until a writer comes, which may be never, and a device such
/// as <c>/dev/zero</c> never ends. .NET's file APIs see all of these as files (and its
/// <see cref="FileAttributes"/> do not say which), so on Linux the type comes from statx(2).
/// </summary>
internal static class ConfigFileKind
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int TypeMask = 0xF000;

    /// <summary>
    /// Null when <paramref name="path"/> is a regular file (symbolic links followed) or cannot be
    /// examined (it is missing, or the system has no statx: opening it will tell); otherwise what it
    /// is, with an article: "a named pipe (FIFO)".
    /// </summary>
    public static string? DescribeIfNotRegular(string path)
    {
        if (Directory.Exists(path))
        {
            return "a directory";
        }

        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // struct statx is 256 bytes with the same layout on every Linux architecture; stx_mode
        // (16 bits) is at byte 28.
        var buffer = new byte[256];
        try
        {
            if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception exception) when (exception is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        return (BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask) switch
        {
            0x8000 => null,
            0x1000 => "a named pipe (FIFO)",
            0x2000 => "a character device",
            0x4000 => "a directory",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
