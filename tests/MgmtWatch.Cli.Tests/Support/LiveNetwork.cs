using System.Diagnostics;

namespace MgmtWatch.Cli.Tests.Support;

/// <summary>
/// Two network namespaces joined by a veth pair, made and removed by the test: a sender (10.250.x.1) and
/// a capture side (10.250.x.2) where MgmtWatch runs. Neither namespace has any other interface than its
/// veth end and loopback, so no test traffic can reach any other network.
/// </summary>
public sealed class LiveNetwork : IDisposable
{
    private static int _counter;

    /// <param name="quiet">
    /// IPv6 off in both namespaces, so nothing but the test's own packets ever crosses the link (no router
    /// solicitations, neighbour discovery or MLD reports): the sensor must cope with a link that goes silent.
    /// </param>
    public LiveNetwork(bool quiet = false)
    {
        var id = $"{Environment.ProcessId % 10000}x{Interlocked.Increment(ref _counter)}";
        Sender = "mwtx" + id;
        Receiver = "mwrx" + id;
        SenderInterface = "mwa" + id;
        ReceiverInterface = "mwb" + id;
        var subnet = 10 + (_counter % 200);
        SenderAddress = $"10.250.{subnet}.1";
        ReceiverAddress = $"10.250.{subnet}.2";
        Ip("netns", "add", Sender);
        Ip("netns", "add", Receiver);
        if (quiet)
        {
            foreach (var ns in new[] { Sender, Receiver })
            {
                Ip("netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            }
        }

        Ip("link", "add", SenderInterface, "netns", Sender, "type", "veth", "peer", "name", ReceiverInterface, "netns", Receiver);
        Ip("-n", Sender, "addr", "add", SenderAddress + "/24", "dev", SenderInterface);
        Ip("-n", Receiver, "addr", "add", ReceiverAddress + "/24", "dev", ReceiverInterface);
        foreach (var (ns, dev) in new[] { (Sender, SenderInterface), (Receiver, ReceiverInterface), (Sender, "lo"), (Receiver, "lo") })
        {
            Ip("-n", ns, "link", "set", dev, "up");
        }
    }

    public string Sender { get; }

    public string Receiver { get; }

    public string SenderInterface { get; }

    public string ReceiverInterface { get; }

    public string SenderAddress { get; }

    public string ReceiverAddress { get; }

    /// <summary>Skips unless live tests are enabled and we are root (namespaces and raw capture need it).</summary>
    public static void SkipUnlessAllowed()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("MGMTWATCH_LIVE_TESTS") == "1",
            "live-capture tests need root and their own network namespaces; CI runs them (MGMTWATCH_LIVE_TESTS=1)");
        Skip.IfNot(Environment.UserName == "root", "live-capture tests need root to create network namespaces");
        foreach (var tool in new[] { "ip", "tcpreplay" })
        {
            Skip.If(CliRunner.Tool("which", tool) is not { ExitCode: 0 }, $"{tool} is not installed (.ci/run installs iproute2 and tcpreplay)");
        }
    }

    /// <summary>Replays a capture into the sender's veth end.</summary>
    public void Replay(string capture, params string[] timing)
    {
        var result = Exec(Sender, ["tcpreplay", "-q", "-i", SenderInterface, .. (timing.Length == 0 ? ["--topspeed"] : timing), capture]);
        Assert.True(result.ExitCode == 0, "tcpreplay failed: " + result.Stderr);
    }

    /// <summary>Runs a command in a namespace and waits for it.</summary>
    public static CliRunner.Result Exec(string ns, string[] command) => CliRunner.Tool("ip", ["netns", "exec", ns, .. command])!;

    /// <summary>Starts mgmtwatch monitor on the capture side; returns the running process.</summary>
    public MonitorProcess StartMonitor(params string[] args) => new(this, args);

    public void Dispose()
    {
        CliRunner.Tool("ip", "netns", "del", Sender);
        CliRunner.Tool("ip", "netns", "del", Receiver);
    }

    private static void Ip(params string[] args)
    {
        var r = CliRunner.Tool("ip", args)!;
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)}: {r.Stderr}");
        }
    }

    /// <summary>A running monitor, stopped with a signal.</summary>
    public sealed class MonitorProcess : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _stderr = new();

        internal MonitorProcess(LiveNetwork network, string[] args)
        {
            var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "netns", "exec", network.Receiver, "dotnet", Path.Combine(AppContext.BaseDirectory, "mgmtwatch.dll"), "monitor", "-i", network.ReceiverInterface })
            {
                psi.ArgumentList.Add(a);
            }

            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["NO_COLOR"] = "1";
            _process = Process.Start(psi)!;
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            };
            _process.BeginErrorReadLine();
            _process.StandardOutput.ReadToEndAsync();
            var deadline = Stopwatch.StartNew();
            while (!Stderr.Contains("Monitoring ", StringComparison.Ordinal))
            {
                if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException("monitor did not start: " + Stderr);
                }

                Thread.Sleep(50);
            }
        }

        public string Stderr
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public int Pid => _process.Id;

        /// <summary>Sends a signal to the monitor (the dotnet process inside the namespace).</summary>
        public void Signal(string signal)
        {
            // 'ip netns exec' execs the command, so the process we started is the monitor itself.
            CliRunner.Tool("kill", "-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        /// <summary>SIGTERM, then waits for a clean exit; returns the exit code.</summary>
        public int Stop()
        {
            Signal("TERM");
            if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException("monitor did not stop within 60 s of SIGTERM: " + Stderr);
            }

            _process.WaitForExit();
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }
}
