using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>
/// The live sensor under conditions an operator or an attacker creates: running without root once the
/// capture is open (--user), and an output whose file system fills up mid-run. Real captures replayed into
/// a veth pair in the test's own network namespaces.
/// </summary>
[Collection(LiveCaptureGroup.Name)]
public class MonitorHardeningTests
{
    private static string Key()
    {
        var path = TempFiles.Create(".key");
        File.WriteAllBytes(path, Enumerable.Range(0, 32).Select(i => (byte)(i * 5)).ToArray());
        return path;
    }

    /// <summary>NTP mode 7 ("monlist") queries from distinct sources: one alert each.</summary>
    private static string Queries(int count, int firstSource)
    {
        var b = new PcapBuilder();
        var query = new byte[8];
        query[0] = 0x17; // version 2, mode 7
        query[3] = 42;   // MON_GETLIST_1
        for (var i = 0; i < count; i++)
        {
            b.Add(i * 0.01, Frames.Udp($"10.252.{firstSource / 250}.{1 + (firstSource % 250) + i}", 40000, "10.252.9.1", 123, query));
        }

        return b.WriteTemp();
    }

    /// <summary>Sources of the alerts written so far (complete lines only: the file is read while the sensor writes).</summary>
    private static List<string> AlertSources(string eve)
    {
        if (!File.Exists(eve))
        {
            return [];
        }

        using var stream = new FileStream(eve, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = new StreamReader(stream).ReadToEnd();
        var lines = text.Split('\n');
        return lines.Take(lines.Length - 1).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("event_type").GetString() == "alert")
            .Select(e => e.GetProperty("src_ip").GetString()!).Order(StringComparer.Ordinal).ToList();
    }

    private static string WritableDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mgmtwatch-live-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        CliRunner.Tool("chmod", "0777", dir); // the unprivileged user creates its files here
        return dir;
    }

    private static string Status(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim();

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what());
            Thread.Sleep(100);
        }
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void MonitorDroppedToNobodyKeepsCapturing()
    {
        LiveNetwork.SkipUnlessAllowed();
        Skip.IfNot(OthersCanRead(AppContext.BaseDirectory),
            $"nobody cannot read the build output under {AppContext.BaseDirectory} (a private directory); MonitorRefusesAUserThatCannotReadItsOwnFiles covers that case");
        var dir = WritableDirectory();
        var eve = Path.Combine(dir, "eve.json");
        using var net = new LiveNetwork();
        using var monitor = net.StartMonitor("--user", "nobody", "--eve", eve, "--stats-interval", "0", "--fingerprint-key", Key());
        Assert.Contains("now running as user nobody (uid 65534, gid 65534)", monitor.Stderr, StringComparison.Ordinal);

        // The kernel's view of the running sensor: every uid and gid is nobody's, no capability is left.
        Assert.Equal("65534\t65534\t65534\t65534", Status(monitor.Pid, "Uid"));
        Assert.Equal("65534\t65534\t65534\t65534", Status(monitor.Pid, "Gid"));
        Assert.Equal("65534", Status(monitor.Pid, "Groups"));
        Assert.Equal("0000000000000000", Status(monitor.Pid, "CapEff"));
        Assert.Equal("0000000000000000", Status(monitor.Pid, "CapPrm"));
        Assert.Equal("1", Status(monitor.Pid, "NoNewPrivs"));

        // It still captures: replayed traffic is analysed and its alerts written (by nobody) while it runs.
        net.Replay(Queries(5, 1));
        WaitFor(() => AlertSources(eve).Count == 5, TimeSpan.FromSeconds(15), () => "alerts written: " + AlertSources(eve).Count + "\n" + monitor.Stderr);
        net.Replay(Queries(5, 101));
        WaitFor(() => AlertSources(eve).Count == 10, TimeSpan.FromSeconds(15), () => "alerts written: " + AlertSources(eve).Count + "\n" + monitor.Stderr);
        Assert.Equal(0, monitor.Stop());
        Assert.Equal("65534", CliRunner.Tool("stat", "-c", "%u", eve)!.Stdout.Trim()); // created after the drop, by nobody
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>
    /// Installed where the user cannot read it (a copy in a 0700 directory), the sensor refuses at the drop with
    /// one clear line and exit 4, instead of dying later on the first assembly .NET loads lazily.
    /// </summary>
    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void MonitorRefusesAUserThatCannotReadItsOwnFiles()
    {
        LiveNetwork.SkipUnlessAllowed();
        var root = Directory.CreateTempSubdirectory("mgmtwatch-private-").FullName;
        try
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var copy = Path.Combine(root, "app");
            Assert.Equal(0, CliRunner.Tool("cp", "-r", AppContext.BaseDirectory, copy)!.ExitCode);
            var run = CliRunner.Tool("dotnet", Path.Combine(copy, "mgmtwatch.dll"), "monitor", "-i", "lo", "--user", "nobody", "--eve", "none")!;
            Assert.Equal(4, run.ExitCode);
            Assert.Contains("uid 65534 cannot read mgmtwatch's own files in " + copy, run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Whether users other than the owner can reach <paramref name="directory"/> and read files in it.</summary>
    [UnsupportedOSPlatform("windows")]
    private static bool OthersCanRead(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if ((File.GetUnixFileMode(dir.FullName) & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return (File.GetUnixFileMode(directory) & UnixFileMode.OtherRead) != 0;
    }

    [Fact]
    public void UnknownUserIsAUsageError()
    {
        var run = CliRunner.Run("monitor", "-i", "lo", "--user", "no-such-user-mgmtwatch", "--eve", "none");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such user 'no-such-user-mgmtwatch'", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The EVE file's file system (a 64 KiB tmpfs) fills up mid-run: capture goes on, the failure is logged and
    /// counted in mgmtwatch_output_failures_total, and once space is freed writing resumes with every line
    /// whole (a write cut short by the full disk is cut back, not left to merge with the next record).
    /// </summary>
    [SkippableFact]
    public void FullFileSystemUnderEveStopsNothingAndWritingResumes()
    {
        LiveNetwork.SkipUnlessAllowed();
        var dir = WritableDirectory();
        var mount = CliRunner.Tool("mount", "-t", "tmpfs", "-o", "size=64k,mode=0777", "mgmtwatch-test", dir)!;
        Skip.If(mount.ExitCode != 0, "cannot mount a tmpfs here: " + mount.Stderr);
        try
        {
            var eve = Path.Combine(dir, "eve.json");
            var port = 20000 + (Environment.ProcessId % 20000);
            using var net = new LiveNetwork();
            using var monitor = net.StartMonitor("--eve", eve, "--stats-interval", "0", "--fingerprint-key", Key(),
                "--metrics-listen", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
            net.Replay(Queries(5, 1));
            WaitFor(() => AlertSources(eve).Count == 5, TimeSpan.FromSeconds(15), () => monitor.Stderr);

            // Fill the file system to the last byte.
            var filler = Path.Combine(dir, "filler");
            using (var fill = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 0))
            {
                var block = new byte[1024];
                try
                {
                    while (true)
                    {
                        fill.Write(block);
                    }
                }
                catch (IOException)
                {
                }
            }

            net.Replay(Queries(60, 1001));
            WaitFor(() => monitor.Stderr.Contains("Writing EVE output", StringComparison.Ordinal), TimeSpan.FromSeconds(15),
                () => $"eve {new FileInfo(eve).Length} bytes, filler {new FileInfo(filler).Length} bytes, {AlertSources(eve).Count} alerts\n" + monitor.Stderr);
            Assert.Contains("No space left on device", monitor.Stderr, StringComparison.Ordinal);
            var metrics = LiveNetwork.Exec(net.Receiver, ["bash", "-c",
                $"exec 3<>/dev/tcp/127.0.0.1/{port.ToString(CultureInfo.InvariantCulture)}; printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3"]).Stdout;
            var failures = metrics.Split('\n').Single(l => l.StartsWith("mgmtwatch_output_failures_total{output=\"eve\"}", StringComparison.Ordinal));
            Assert.True(double.Parse(failures.Split(' ')[^1], CultureInfo.InvariantCulture) >= 1, failures);

            // Space comes back: the sensor never stopped, and new traffic reaches the file again.
            File.Delete(filler);
            net.Replay(Queries(5, 2001));
            WaitFor(() => AlertSources(eve).Count(s => s.StartsWith("10.252.8.", StringComparison.Ordinal)) == 5, TimeSpan.FromSeconds(15),
                () => string.Join(' ', AlertSources(eve)) + "\n" + monitor.Stderr);
            Assert.Equal(0, monitor.Stop());

            // Every line of the file is one whole record, before, across and after the full disk.
            foreach (var line in File.ReadLines(eve))
            {
                Schemas.AssertEve(line);
            }
        }
        finally
        {
            CliRunner.Tool("umount", "-l", dir);
            Directory.Delete(dir, recursive: true);
        }
    }
}
