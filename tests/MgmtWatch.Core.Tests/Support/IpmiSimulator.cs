using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>
/// A real BMC on loopback: Debian's <c>ipmi_sim</c> (OpenIPMI's simulator) on a free high UDP port with its
/// state in a temporary directory, <c>tcpdump</c> recording that port on <c>lo</c>, and <c>ipmitool</c> to
/// drive it (../shared/docs/ipmi-sim.md). Nothing is sent beyond 127.0.0.1. Needs root (tcpdump on lo needs
/// CAP_NET_RAW) and the three tools; <see cref="SkipUnlessAvailable"/> says plainly when they are missing.
/// Dispose stops the processes it started, by their own handles.
/// </summary>
public sealed class IpmiSimulator : IDisposable
{
    /// <summary>User 2's name in the simulator (an administrator).</summary>
    public const string User = "ipmiusr";

    /// <summary>
    /// The password of both users. Distinctive on purpose: tests search every output for it, and a word
    /// such as "test" also occurs in temporary paths ("mgmtwatch-tests-…") that outputs legitimately name.
    /// </summary>
    public const string Password = "Pw7q-zx3Kv";

    private readonly string _directory;
    private readonly Process _simulator;
    private readonly Task<string> _simulatorErrors;
    private readonly string? _namespace;
    private Process? _tcpdump;

    /// <summary>Starts the simulator on a free loopback port, and a capture of that port.</summary>
    public IpmiSimulator()
        : this(null, "127.0.0.1", FreeUdpPort(), capture: true)
    {
    }

    /// <summary>
    /// Starts the simulator on <paramref name="address"/>:<paramref name="port"/>, inside network namespace
    /// <paramref name="ns"/> when given (a test's own), optionally with a capture of that port on lo.
    /// </summary>
    public IpmiSimulator(string? ns, string address, int port, bool capture)
    {
        _namespace = ns;
        _directory = Path.Combine(Path.GetTempPath(), "mgmtwatch-ipmisim-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        Port = port;
        CapturePath = Path.Combine(_directory, "capture.pcap");
        File.WriteAllText(Path.Combine(_directory, "lan.conf"), $"""
            name "test-bmc"
            set_working_mc 0x20
              startlan 1
                addr {address} {Port}
                priv_limit admin
                allowed_auths_callback none md2 md5 straight
                allowed_auths_user none md2 md5 straight
                allowed_auths_operator none md2 md5 straight
                allowed_auths_admin none md2 md5 straight
                guid a123456789abcdefa123456789abcdef
              endlan
              serial 15 localhost {FreeTcpPort()} codec VM
              startcmd "true"
              startnow false
              user 1 true  ""        "{Password}" user     10       none md2 md5 straight
              user 2 true  "{User}" "{Password}" admin    10       none md2 md5 straight

            """);
        File.WriteAllText(Path.Combine(_directory, "sim.emu"), """
            mc_setbmc 0x20
            mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
            sel_enable 0x20 1000 0x0a
            mc_enable 0x20

            """);
        _simulator = StartIn(_namespace, "ipmi_sim", "-c", Path.Combine(_directory, "lan.conf"), "-f", Path.Combine(_directory, "sim.emu"), "-n",
            "-s", Path.Combine(_directory, "state"));
        _ = _simulator.StandardOutput.ReadToEndAsync(); // drain, so that a chatty simulator never blocks on a full pipe
        _simulatorErrors = _simulator.StandardError.ReadToEndAsync();
        try
        {
            if (_namespace is null)
            {
                WaitUntilAnswering();
            }
            else
            {
                WaitUntilBound(address);
            }

            if (capture)
            {
                StartCapture();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The simulator's UDP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Where the capture is written.</summary>
    public string CapturePath { get; }

    /// <summary>Skips the calling test unless running as root with ipmi_sim, ipmitool and tcpdump installed.</summary>
    public static void SkipUnlessAvailable()
    {
        var reason = UnavailableReason();
        Skip.If(reason is not null, reason);
    }

    /// <summary>Why the simulator cannot run here, or null when it can.</summary>
    public static string? UnavailableReason()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return "capturing on lo needs root (CAP_NET_RAW); CI runs the tests as root";
        }

        foreach (var tool in new[] { "ipmi_sim", "ipmitool", "tcpdump" })
        {
            if (FindTool(tool) is null)
            {
                return $"{tool} is not installed (apt-get install -y openipmi ipmitool tcpdump; .ci/run does)";
            }
        }

        return null;
    }

    /// <summary>Runs <c>ipmitool -H 127.0.0.1 -p PORT</c> with <paramref name="args"/>; returns its exit code and output.</summary>
    public (int ExitCode, string Output) Ipmitool(params string[] args)
    {
        var all = new List<string> { "-H", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        all.AddRange(args);
        using var p = Start("ipmitool", [.. all]);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill();
            throw new TimeoutException("ipmitool " + string.Join(' ', args) + " hung");
        }

        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Stops the capture (SIGINT, so tcpdump writes out what it holds) and returns the capture's path.</summary>
    public string StopCapture()
    {
        if (_tcpdump is { HasExited: false } t)
        {
            Thread.Sleep(300); // let the last replies reach the capture
            using (var kill = Process.Start("kill", ["-INT", t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            if (!t.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                t.Kill();
            }
        }

        return CapturePath;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var p in new[] { _tcpdump, _simulator })
        {
            if (p is null)
            {
                continue;
            }

            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                    p.WaitForExit(TimeSpan.FromSeconds(5));
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void WaitUntilAnswering()
    {
        // ipmi_sim needs a moment before it answers; an ASF ping is the cheapest question.
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Client.ReceiveTimeout = 200;
        var ping = RmcpPackets.AsfPing();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_simulator.HasExited)
            {
                throw new InvalidOperationException("ipmi_sim exited: " + _simulatorErrors.Result);
            }

            udp.Send(ping, ping.Length, new IPEndPoint(IPAddress.Loopback, Port));
            try
            {
                var remote = new IPEndPoint(IPAddress.Any, 0);
                if (udp.Receive(ref remote).Length > 0)
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // not answering yet
            }
        }

        throw new TimeoutException("ipmi_sim did not answer on port " + Port);
    }

    private void WaitUntilBound(string address)
    {
        // The test process cannot reach into the namespace; ask the namespace's socket table instead.
        var needle = $"{address}:{Port}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_simulator.HasExited)
            {
                throw new InvalidOperationException("ipmi_sim exited: " + _simulatorErrors.Result);
            }

            using var ss = StartIn(_namespace, "ss", "-uln");
            if (ss.StandardOutput.ReadToEnd().Contains(needle, StringComparison.Ordinal))
            {
                Thread.Sleep(200);
                return;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"ipmi_sim did not bind {needle}");
    }

    private void StartCapture()
    {
        // --immediate-mode: packets reach the file as they arrive (otherwise the last ones may still sit in
        // the kernel ring when tcpdump stops); -Z root: keep writing into a root-owned directory.
        _tcpdump = Start("tcpdump", "-i", "lo", "--immediate-mode", "-U", "-Z", "root", "-w", CapturePath,
            "udp port " + Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var line = _tcpdump.StandardError.ReadLine();
            if (line is null)
            {
                throw new InvalidOperationException("tcpdump exited before listening");
            }

            if (line.Contains("listening on", StringComparison.Ordinal))
            {
                _ = _tcpdump.StandardError.ReadToEndAsync(); // keep draining
                return;
            }
        }

        throw new TimeoutException("tcpdump did not start listening");
    }

    private static Process StartIn(string? ns, string tool, params string[] args) =>
        ns is null ? Start(tool, args) : Start("ip", ["netns", "exec", ns, FindTool(tool) ?? tool, .. args]);

    private static Process Start(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(FindTool(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    private static string? FindTool(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/usr/bin", "/sbin"]))
        {
            var path = Path.Combine(dir, tool);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static int FreeUdpPort()
    {
        using var s = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.Client.LocalEndPoint!).Port;
    }

    private static int FreeTcpPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
