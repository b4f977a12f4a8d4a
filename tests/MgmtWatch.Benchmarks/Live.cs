using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PacketDotNet;

namespace MgmtWatch.Benchmarks;

/// <summary>
/// The live sensor end to end: the real <c>mgmtwatch monitor</c> (the built CLI, in a process of its own)
/// captures on one end of a veth pair while tcpreplay sends a capture into the other end, at fixed rates
/// and at top speed. Each rate gets a fresh monitor; after the replay its Prometheus endpoint is scraped
/// for kernel, interface and pipeline drops, the veth's own receive drops are read, and the monitor's
/// closing log line gives the packets it analysed. Then, with the sensor idle, single NTP mode 7 packets
/// (rule 9107001, each from its own source so each is its own incident) are sent with a raw socket and
/// the time until each alert is readable in the EVE file is measured.
/// </summary>
/// <remarks>
/// Both ends are in network namespaces made for the run (names carry this process's id); neither end has
/// an IP address, IPv6 is off in both, so the only packets on the link are the ones sent here and nothing
/// can leave. Everything is removed at the end, on Ctrl-C, on SIGTERM and on an exception. tcpreplay,
/// the sensor and the kernel's veth path share this machine's cores, so on a small machine the figures
/// understate a sensor fed by a real NIC.
/// </remarks>
internal static partial class Live
{
    private const string Usage =
        "usage: live [--capture FILE | --packets N] [--rates 100,250,500,1000,topspeed] [--mgmtwatch PATH] [--samples N] [--settle SECONDS]";

    /// <summary>Sends frames given as hex lines on stdin from a raw AF_PACKET socket; prints CLOCK_REALTIME (ns) just before each send.</summary>
    private const string RawSender = """
        import socket, sys, time
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((sys.argv[1], 0))
        print("ready", flush=True)
        for line in sys.stdin:
            frame = bytes.fromhex(line.strip())
            t = time.time_ns()
            s.send(frame)
            print(t, flush=True)
        """;

    private static readonly PhysicalAddress SenderMac = PhysicalAddress.Parse("02-00-5E-00-00-01");
    private static readonly PhysicalAddress SensorMac = PhysicalAddress.Parse("02-00-5E-00-00-02");

    public static int Run(string[] args)
    {
        string? capture = null;
        string? mgmtwatch = null;
        var packets = 500_000;
        var samples = 20;
        var settle = 3.0;
        var rates = new List<string> { "100", "250", "500", "1000", "topspeed" };
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--capture":
                    capture = Next();
                    break;
                case "--packets":
                    packets = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--rates":
                    rates = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                case "--mgmtwatch":
                    mgmtwatch = Next();
                    break;
                case "--samples":
                    samples = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--settle":
                    settle = double.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}; {Usage}");
                    return 2;
            }
        }

        foreach (var rate in rates)
        {
            if (rate != "topspeed" && !(double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var mbps) && mbps > 0))
            {
                Console.Error.WriteLine($"invalid rate '{rate}': Mbit/s (a positive number) or 'topspeed'");
                return 2;
            }
        }

        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("live: needs root (it creates network namespaces and a veth pair, and captures on them): sudo dotnet run -c Release --project tests/MgmtWatch.Benchmarks -- live");
            return 2;
        }

        foreach (var tool in new[] { "ip", "tcpreplay", "curl" })
        {
            if (Exec("which", tool).Exit != 0)
            {
                Console.Error.WriteLine($"live: {tool} is not installed (apt-get install -y iproute2 tcpreplay curl)");
                return 2;
            }
        }

        var monitor = FindMonitor(mgmtwatch);
        if (monitor is null)
        {
            return 2;
        }

        if (capture is null)
        {
            capture = Path.Combine(Path.GetTempPath(), $"mgmtwatch-mix-{packets}.pcap");
            if (!File.Exists(capture))
            {
                Console.WriteLine($"writing a {packets:N0}-packet management mix to {capture} ...");
                ManagementMix.Write(capture, packets);
            }
        }
        else if (!File.Exists(capture))
        {
            Console.Error.WriteLine($"live: no capture {capture}");
            return 2;
        }

        RemoveStaleNamespaces();
        using var run = new LiveRun(monitor);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Abort);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Abort);
        void Abort(PosixSignalContext context)
        {
            context.Cancel = true;
            Console.Error.WriteLine("live: interrupted; removing the namespaces");
            run.Dispose();
            Environment.Exit(130);
        }

        return run.Execute(capture, rates, samples, settle);
    }

    /// <summary>The monitor command line: --mgmtwatch (a dll, or a published executable), else the Release build of the repository.</summary>
    private static string[]? FindMonitor(string? given)
    {
        if (given is not null)
        {
            if (!File.Exists(given))
            {
                Console.Error.WriteLine($"live: no mgmtwatch at {given}");
                return null;
            }

            var full = Path.GetFullPath(given);
            return full.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", full] : [full];
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MgmtWatch.sln")))
            {
                var dll = Path.Combine(dir.FullName, "src", "MgmtWatch.Cli", "bin", "Release", "net10.0", "mgmtwatch.dll");
                if (File.Exists(dll))
                {
                    return ["dotnet", dll];
                }

                Console.Error.WriteLine($"live: {dll} is missing: build it first (dotnet build src/MgmtWatch.Cli -c Release), or give --mgmtwatch PATH");
                return null;
            }
        }

        Console.Error.WriteLine("live: cannot find the repository (MgmtWatch.sln) above the benchmark; give --mgmtwatch PATH");
        return null;
    }

    /// <summary>Namespaces left by a run that was killed (SIGKILL) are removed when their process is gone.</summary>
    private static void RemoveStaleNamespaces()
    {
        foreach (var line in Exec("ip", "netns", "list").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var match = StaleName().Match(line);
            if (match.Success && !Directory.Exists("/proc/" + match.Groups[1].Value))
            {
                Exec("ip", "netns", "del", match.Value);
            }
        }
    }

    [GeneratedRegex(@"^mwlive-(\d+)-(tx|rx)")]
    private static partial Regex StaleName();

    private static (int Exit, string Stdout, string Stderr) Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (127, "", ex.Message);
        }
    }

    /// <summary>One benchmark run: the namespaces, the veth pair, and the processes started in them.</summary>
    private sealed class LiveRun : IDisposable
    {
        private const int MetricsPort = 9750; // the namespace is the run's own: nothing else can hold the port
        private readonly string[] _monitor;
        private readonly string _tx;
        private readonly string _rx;
        private readonly string _txIf;
        private readonly string _rxIf;
        private readonly string _dir;
        private readonly List<Process> _children = [];
        private readonly Lock _lock = new();
        private bool _disposed;

        public LiveRun(string[] monitor)
        {
            _monitor = monitor;
            var id = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            _tx = $"mwlive-{id}-tx";
            _rx = $"mwlive-{id}-rx";
            _txIf = $"mwl{id}a"; // interface names: at most 15 characters
            _rxIf = $"mwl{id}b";
            _dir = Directory.CreateTempSubdirectory("mgmtwatch-live-").FullName;
            try
            {
                Ip("netns", "add", _tx);
                Ip("netns", "add", _rx);
                foreach (var ns in new[] { _tx, _rx })
                {
                    // No IPv6 (router solicitations, DAD) and no addresses: only the benchmark's packets cross the link.
                    Ip("netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
                    Ip("-n", ns, "link", "set", "lo", "up");
                }

                Ip("link", "add", _txIf, "netns", _tx, "type", "veth", "peer", "name", _rxIf, "netns", _rx);
                Ip("-n", _tx, "link", "set", _txIf, "up");
                Ip("-n", _rx, "link", "set", _rxIf, "up");
                File.WriteAllText(Path.Combine(_dir, "empty.json"), "{}"); // not /etc/mgmtwatch/mgmtwatch.json: the defaults
                File.WriteAllBytes(Path.Combine(_dir, "fingerprint.key"), RandomNumberGenerator.GetBytes(32));
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public int Execute(string capture, List<string> rates, int samples, double settle)
        {
            var size = new FileInfo(capture).Length;
            Console.WriteLine($"capture: {capture} ({size / 1e6:F1} MB)");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Console.WriteLine($"sensor: {string.Join(' ', _monitor)} monitor -i {_rxIf} (namespace {_rx}); sender: tcpreplay -i {_txIf} (namespace {_tx})");
            Console.WriteLine();
            var results = new List<RateResult>();
            foreach (var rate in rates)
            {
                var result = RunRate(capture, rate, settle);
                if (result is null)
                {
                    return 1;
                }

                results.Add(result);
            }

            Console.WriteLine();
            Console.WriteLine($"{"requested",10} {"Mbit/s",8} {"pkt/s",9} {"sent",9} {"received",9} {"analysed",9} {"veth drop",9} {"kernel drop",11} {"if drop",7} {"queue drop",10}  verdict");
            foreach (var r in results)
            {
                var requested = r.Rate == "topspeed" ? "topspeed" : r.Rate + " Mb";
                Console.WriteLine(
                    $"{requested,10} {r.Mbps,8:F1} {r.Pps,9:F0} {r.Sent,9} {r.Received,9} {r.Analysed,9} {r.VethDropped,9} {r.KernelDropped,11} {r.InterfaceDropped,7} {r.PipelineDropped,10}  {r.Verdict}");
            }

            var best = results.Where(r => r.Clean).MaxBy(r => r.Mbps);
            Console.WriteLine();
            Console.WriteLine(best is null
                ? "no rate ran without drops"
                : $"highest rate with zero drops: {best.Mbps:F1} Mbit/s, {best.Pps:F0} packets/s (requested {best.Rate}{(best.Rate == "topspeed" ? "" : " Mbit/s")})");
            if (results.FirstOrDefault(r => r.Rate == "topspeed") is { Clean: true } top)
            {
                Console.WriteLine($"at top speed the sender, not the sensor, was the limit: tcpreplay reached {top.Mbps:F1} Mbit/s and the sensor lost nothing");
            }

            Console.WriteLine();
            return MeasureLatency(samples) ? 0 : 1;
        }

        private RateResult? RunRate(string capture, string rate, double settle)
        {
            var tag = rate == "topspeed" ? "topspeed" : rate + "mbps";
            var eve = Path.Combine(_dir, $"eve-{tag}.json");
            using var monitor = StartMonitor(eve, Path.Combine(_dir, $"flows-{tag}.log"));
            if (monitor is null)
            {
                return null;
            }

            var vethBefore = VethDropped();
            var timing = rate == "topspeed" ? "--topspeed" : "--mbps=" + rate;
            Console.WriteLine($"replaying at {(rate == "topspeed" ? "top speed" : rate + " Mbit/s")} ...");
            var replay = Exec("ip", "netns", "exec", _tx, "tcpreplay", "--preload-pcap", timing, "-i", _txIf, capture);
            if (replay.Exit != 0)
            {
                Console.Error.WriteLine($"tcpreplay failed: {replay.Stderr}{replay.Stdout}");
                return null;
            }

            // The sensor reads libpcap's counters and publishes metrics once a second: wait for both.
            Thread.Sleep(TimeSpan.FromSeconds(settle));
            var metrics = Scrape();
            var vethDropped = VethDropped() - vethBefore;
            var analysed = monitor.Stop();
            var output = replay.Stdout + replay.Stderr;
            var result = new RateResult
            {
                Rate = rate,
                Mbps = Number(output, @"Rated: [\d.]+ Bps, ([\d.]+) Mbps"),
                Pps = Number(output, @"Mbps, ([\d.]+) pps"),
                Sent = (long)Number(output, @"Successful packets:\s+(\d+)"),
                Failed = (long)Number(output, @"Failed packets:\s+(\d+)"),
                Received = Metric(metrics, "mgmtwatch_capture_packets_received_total"),
                KernelDropped = Metric(metrics, "mgmtwatch_capture_packets_dropped_total"),
                InterfaceDropped = Metric(metrics, "mgmtwatch_capture_packets_if_dropped_total"),
                PipelineDropped = Metric(metrics, "mgmtwatch_pipeline_packets_dropped_total"),
                VethDropped = vethDropped,
                Analysed = analysed,
            };
            Console.WriteLine($"  tcpreplay: {result.Sent} sent ({result.Failed} failed) at {result.Mbps:F1} Mbit/s, {result.Pps:F0} pkt/s; sensor: {result.Received} received, {result.Analysed} analysed, drops kernel {result.KernelDropped} queue {result.PipelineDropped} veth {result.VethDropped}");
            return result;
        }

        private bool MeasureLatency(int samples)
        {
            Console.WriteLine($"packet to alert: {samples} NTP mode 7 queries (rule 9107001), one every 300 ms from distinct sources, sensor otherwise idle");
            var eve = Path.Combine(_dir, "eve-latency.json");
            using var monitor = StartMonitor(eve, null);
            if (monitor is null)
            {
                return false;
            }

            Thread.Sleep(1000);
            var python = Exec("which", "python3").Exit == 0;
            using var sender = python ? Start(["ip", "netns", "exec", _tx, "python3", "-c", RawSender, _txIf]) : null;
            if (sender is not null && sender.StandardOutput.ReadLine() != "ready")
            {
                Console.Error.WriteLine("the raw-socket sender (python3) did not start: " + sender.StandardError.ReadToEnd());
                return false;
            }

            Console.WriteLine(python
                ? "  sent with a raw AF_PACKET socket (python3) in the sender's namespace: clock read just before send()"
                : "  python3 is missing: sent with tcpreplay, clock read before it starts (includes tcpreplay's start-up)");
            var endToEnd = new List<double>();
            var captureToFile = new List<double>();
            var missed = 0;
            using var reader = new EveTail(eve);
            for (var i = 0; i < samples; i++)
            {
                var source = $"10.252.{i / 250}.{(i % 250) + 1}";
                var frame = TriggerFrame(source);
                long sent;
                if (sender is not null)
                {
                    sender.StandardInput.WriteLine(Convert.ToHexString(frame));
                    sender.StandardInput.Flush();
                    sent = long.Parse(sender.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
                }
                else
                {
                    var one = Path.Combine(_dir, "trigger.pcap");
                    using (var w = new Core.Capture.PcapFileWriter(one, Core.Capture.LinkType.Ethernet))
                    {
                        w.Write(0, frame);
                    }

                    sent = UnixNanos();
                    Exec("ip", "netns", "exec", _tx, "tcpreplay", "-q", "-i", _txIf, one);
                }

                var seen = reader.WaitForAlert(source, TimeSpan.FromSeconds(5));
                if (seen is null)
                {
                    missed++;
                    Console.WriteLine($"  {source}: no alert in the EVE file within 5 s");
                }
                else
                {
                    endToEnd.Add((seen.Value.SeenAt - sent) / 1e6);
                    captureToFile.Add((seen.Value.SeenAt - seen.Value.CaptureTime) / 1e6);
                }

                Thread.Sleep(300);
            }

            sender?.StandardInput.Close();
            monitor.Stop();
            var late = missed > 0 ? $"; {missed} of {samples} not in the file within 5 s (the rest only)" : "";
            if (endToEnd.Count == 0)
            {
                Console.WriteLine($"  no alert reached the EVE file within 5 s of its packet{late}");
                return true;
            }

            Console.WriteLine($"  send to alert readable in the EVE file: median {Median(endToEnd):F1} ms, max {endToEnd.Max():F1} ms, min {endToEnd.Min():F1} ms{late}");
            Console.WriteLine($"  of which capture timestamp to readable: median {Median(captureToFile):F1} ms, max {captureToFile.Max():F1} ms");
            return true;
        }

        private static double Median(List<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        private static long UnixNanos() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

        /// <summary>An NTP mode 7 MON_GETLIST_1 ("monlist") request, ntpd's ntp_request.h layout, to a BMC.</summary>
        private static byte[] TriggerFrame(string source)
        {
            var query = new byte[8];
            query[0] = 0x17; // version 2, mode 7
            query[3] = 42;   // MON_GETLIST_1
            var udp = new UdpPacket(40000, 123) { PayloadData = query };
            var ip = new IPv4Packet(IPAddress.Parse(source), IPAddress.Parse("10.50.0.10")) { PayloadPacket = udp, TimeToLive = 64 };
            udp.UpdateUdpChecksum();
            ip.UpdateCalculatedValues();
            return new EthernetPacket(SenderMac, SensorMac, EthernetType.IPv4) { PayloadPacket = ip }.Bytes;
        }

        private MonitorHandle? StartMonitor(string eve, string? flows)
        {
            string[] args =
            [
                "ip", "netns", "exec", _rx, .. _monitor, "monitor", "-i", _rxIf, "--config", Path.Combine(_dir, "empty.json"),
                "--eve", eve, .. flows is null ? Array.Empty<string>() : ["--flows", flows],
                "--metrics-listen", $"127.0.0.1:{MetricsPort}", "--stats-interval", "1", "--fingerprint-key", Path.Combine(_dir, "fingerprint.key"),
            ];
            var process = Start(args);
            var handle = new MonitorHandle(process);
            var clock = Stopwatch.StartNew();
            while (!handle.Log.Contains("Monitoring ", StringComparison.Ordinal))
            {
                if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    Console.Error.WriteLine("the monitor did not start: " + handle.Log);
                    handle.Dispose();
                    return null;
                }

                Thread.Sleep(20);
            }

            return handle;
        }

        private Process Start(string[] command)
        {
            var psi = new ProcessStartInfo(command[0])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var a in command[1..])
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["NO_COLOR"] = "1";
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var process = Process.Start(psi)!;
                _children.Add(process);
                return process;
            }
        }

        private Dictionary<string, double> Scrape()
        {
            var r = Exec("ip", "netns", "exec", _rx, "curl", "-sf", $"http://127.0.0.1:{MetricsPort}/metrics");
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var line in r.Stdout.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var space = line.LastIndexOf(' ');
                var brace = line.IndexOf('{', StringComparison.Ordinal);
                var name = line[..(brace > 0 && brace < space ? brace : space)];
                if (double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    values[name] = values.GetValueOrDefault(name) + v;
                }
            }

            return values;
        }

        private static long Metric(Dictionary<string, double> metrics, string name) => (long)metrics.GetValueOrDefault(name, -1);

        /// <summary>
        /// Packets the veth pair itself lost: the sender end counts a packet its peer's backlog refused
        /// (netdev_max_backlog) as tx_dropped, the capture end counts its own rx_dropped. libpcap never sees
        /// these, like a real NIC's rx_missed.
        /// </summary>
        private long VethDropped() => LinkCounter(_tx, _txIf, "tx") + LinkCounter(_rx, _rxIf, "rx");

        private static long LinkCounter(string ns, string link, string direction)
        {
            var r = Exec("ip", "-n", ns, "-s", "-j", "link", "show", link);
            using var doc = JsonDocument.Parse(r.Stdout);
            return doc.RootElement[0].GetProperty("stats64").GetProperty(direction).GetProperty("dropped").GetInt64();
        }

        private static double Number(string text, string pattern)
        {
            var m = Regex.Match(text, pattern);
            return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        }

        private static void Ip(params string[] args)
        {
            var r = Exec("ip", args);
            if (r.Exit != 0)
            {
                throw new InvalidOperationException($"ip {string.Join(' ', args)}: {r.Stderr}");
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                foreach (var p in _children)
                {
                    try
                    {
                        if (!p.HasExited)
                        {
                            p.Kill(entireProcessTree: true);
                            p.WaitForExit(5000);
                        }
                    }
                    catch (InvalidOperationException)
                    {
                        // already gone
                    }
                }

                Exec("ip", "netns", "del", _tx); // removes the veth pair with it
                Exec("ip", "netns", "del", _rx);
                try
                {
                    Directory.Delete(_dir, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }

        /// <summary>A running monitor: its log, and a SIGTERM stop that returns the packets it analysed.</summary>
        private sealed class MonitorHandle : IDisposable
        {
            private readonly Process _process;
            private readonly StringBuilder _log = new();

            public MonitorHandle(Process process)
            {
                _process = process;
                _process.ErrorDataReceived += (_, e) =>
                {
                    lock (_log)
                    {
                        _log.AppendLine(e.Data);
                    }
                };
                _process.BeginErrorReadLine();
                _ = _process.StandardOutput.ReadToEndAsync();
            }

            public string Log
            {
                get
                {
                    lock (_log)
                    {
                        return _log.ToString();
                    }
                }
            }

            /// <summary>SIGTERM ('ip netns exec' execs the monitor, so this is its pid); the packets from its closing line.</summary>
            public long Stop()
            {
                Exec("kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));
                if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
                {
                    throw new TimeoutException("the monitor did not stop within 60 s of SIGTERM: " + Log);
                }

                _process.WaitForExit();
                var m = Regex.Match(Log, @"Stopped: (\d+) packets");
                return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
            }

            public void Dispose()
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
    }

    /// <summary>Follows the EVE file as the sensor appends to it.</summary>
    private sealed class EveTail : IDisposable
    {
        private readonly string _path;
        private FileStream? _stream;
        private readonly StringBuilder _partial = new();
        private readonly byte[] _buffer = new byte[64 * 1024];

        public EveTail(string path) => _path = path;

        /// <summary>Polls every millisecond for an alert from <paramref name="source"/>; returns when it was seen and its capture time (Unix ns).</summary>
        public (long SeenAt, long CaptureTime)? WaitForAlert(string source, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            var needle = $"\"src_ip\":\"{source}\"";
            while (clock.Elapsed < timeout)
            {
                foreach (var line in ReadLines())
                {
                    if (line.Contains("\"event_type\":\"alert\"", StringComparison.Ordinal) && line.Contains(needle, StringComparison.Ordinal))
                    {
                        var seen = UnixNanosNow();
                        using var doc = JsonDocument.Parse(line);
                        var stamp = DateTimeOffset.ParseExact(doc.RootElement.GetProperty("timestamp").GetString()!, "yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
                        return (seen, (stamp.UtcDateTime - DateTime.UnixEpoch).Ticks * 100);
                    }
                }

                Thread.Sleep(1);
            }

            return null;
        }

        private static long UnixNanosNow() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

        private List<string> ReadLines()
        {
            var lines = new List<string>();
            if (_stream is null)
            {
                if (!File.Exists(_path))
                {
                    return lines;
                }

                _stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }

            int n;
            while ((n = _stream.Read(_buffer)) > 0)
            {
                _partial.Append(Encoding.UTF8.GetString(_buffer, 0, n));
            }

            var text = _partial.ToString();
            var end = text.LastIndexOf('\n');
            if (end >= 0)
            {
                lines.AddRange(text[..end].Split('\n'));
                _partial.Clear().Append(text[(end + 1)..]);
            }

            return lines;
        }

        public void Dispose() => _stream?.Dispose();
    }

    private sealed record RateResult
    {
        public required string Rate { get; init; }

        public double Mbps { get; init; }

        public double Pps { get; init; }

        public long Sent { get; init; }

        public long Failed { get; init; }

        public long Received { get; init; }

        public long KernelDropped { get; init; }

        public long InterfaceDropped { get; init; }

        public long PipelineDropped { get; init; }

        public long VethDropped { get; init; }

        public long Analysed { get; init; }

        /// <summary>Every packet tcpreplay sent was analysed, and no counter saw a drop.</summary>
        public bool Clean => Failed == 0 && KernelDropped == 0 && InterfaceDropped == 0 && PipelineDropped == 0 && VethDropped == 0 && Analysed == Sent;

        public string Verdict
        {
            get
            {
                var limited = Rate != "topspeed" && Mbps < 0.95 * double.Parse(Rate, CultureInfo.InvariantCulture)
                    ? $"; tcpreplay reached only {100 * Mbps / double.Parse(Rate, CultureInfo.InvariantCulture):F0}% of the rate asked"
                    : "";
                return (Clean ? "no drops" : $"LOST {Sent - Analysed} of {Sent}") + limited;
            }
        }
    }
}
