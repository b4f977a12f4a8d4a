using System.Globalization;
using System.Runtime.InteropServices;

namespace MgmtWatch.Cli.Hosting;

/// <summary>
/// Drops root for an unprivileged user once the capture handle is open (Suricata's <c>--user</c>, tcpdump's
/// <c>-Z</c>): an open packet socket keeps working, so a parser bug exploited through hostile traffic runs
/// with no capability and no root file access. .NET has no managed API for it; these are the libc calls
/// (glibc applies setgid/setuid to every thread of the process, as POSIX requires).
/// </summary>
internal static class Privileges
{
    private const string Libc = "libc";

    /// <summary>prctl option: no execve can grant privileges again (setuid binaries, file capabilities).</summary>
    private const int PrSetNoNewPrivs = 38;

    /// <summary>
    /// Becomes the user <paramref name="uid"/> (found with <see cref="TryLookUp"/>): supplementary groups
    /// dropped (only the primary group <paramref name="gid"/> is kept, as Suricata does), then the group, then
    /// the user, then no-new-privileges; finally checks that root cannot be regained. Returns null on success,
    /// else why it failed (and the process must not go on).
    /// </summary>
    public static string? DropTo(uint uid, uint gid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "--user is supported on Linux only";
        }

        var current = NativeMethods.geteuid();
        if (current == uid && NativeMethods.getuid() == uid)
        {
            return null; // already that user (started by systemd with User=, say)
        }

        if (current != 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"cannot switch to uid {uid}: mgmtwatch runs as uid {current}, not root (start it as root, or without --user)");
        }

        uint[] groups = [gid];
        if (NativeMethods.setgroups(1, groups) != 0)
        {
            return Failed("setgroups");
        }

        if (NativeMethods.setgid(gid) != 0)
        {
            return Failed("setgid");
        }

        if (NativeMethods.setuid(uid) != 0)
        {
            return Failed("setuid");
        }

        _ = NativeMethods.prctl(PrSetNoNewPrivs, 1, 0, 0, 0);

        // Paranoia as in OpenBSD's privilege separation: a drop that could be undone is no drop.
        if (uid != 0 && (NativeMethods.setuid(0) == 0 || NativeMethods.geteuid() == 0 || NativeMethods.getegid() != gid))
        {
            return "privileges could be regained after dropping them; refusing to run";
        }

        // .NET loads assemblies when first used, long after this point: a user who cannot read mgmtwatch's own
        // files (installed under a private home directory, say) would crash on the first one. Say so now.
        var self = typeof(Privileges).Assembly.Location;
        try
        {
            using var probe = File.OpenRead(self);
            _ = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Any();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"uid {uid} cannot read mgmtwatch's own files in {AppContext.BaseDirectory} ({ex.Message}); install mgmtwatch where that user can read it (/opt/mgmtwatch, say), or run without --user");
        }

        return null;

        static string Failed(string call) =>
            string.Create(CultureInfo.InvariantCulture, $"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>
    /// The user's uid and primary gid from the system's user database (getpwnam: /etc/passwd, LDAP, whatever
    /// NSS says); a number that names no user is taken as a uid whose group is the same number.
    /// </summary>
    public static bool TryLookUp(string user, out uint uid, out uint gid)
    {
        uid = gid = 0;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var entry = NativeMethods.getpwnam(user);
        if (entry == IntPtr.Zero)
        {
            if (uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out uid))
            {
                gid = uid;
                return true;
            }

            return false;
        }

        var passwd = Marshal.PtrToStructure<NativeMethods.Passwd>(entry);
        uid = passwd.Uid;
        gid = passwd.Gid;
        return true;
    }

    /// <summary>libc entry points (Linux, glibc and musl agree on these signatures and on struct passwd's layout).</summary>
    private static class NativeMethods
    {
        [StructLayout(LayoutKind.Sequential)]
        internal struct Passwd
        {
            public IntPtr Name;
            public IntPtr Password;
            public uint Uid;
            public uint Gid;
            public IntPtr Gecos;
            public IntPtr Directory;
            public IntPtr Shell;
        }

        [DllImport(Libc, SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern IntPtr getpwnam([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

        [DllImport(Libc, SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int setgroups(nuint size, uint[] list);

        [DllImport(Libc, SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int setgid(uint gid);

        [DllImport(Libc, SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int setuid(uint uid);

        [DllImport(Libc)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern uint getuid();

        [DllImport(Libc)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern uint geteuid();

        [DllImport(Libc)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern uint getegid();

        [DllImport(Libc, SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
    }
}
