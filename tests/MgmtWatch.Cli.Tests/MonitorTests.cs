using System.Diagnostics;
using System.Text.Json;
using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>
/// The live sensor on real packets: captures replayed with tcpreplay into a veth pair the test creates in
/// its own network namespaces (traffic never leaves them).
/// </summary>
[Collection(LiveCaptureGroup.Name)]
public class MonitorTests
{
    private static string Key()
    {
        var path = TempFiles.Create(".key");
        File.WriteAllBytes(path, Enumerable.Range(0, 32).Select(i => (byte)(i * 3)).ToArray());
        return path;
    }

    /// <summary>NTP mode 7 queries from distinct sources: each one packet, each its own incident and alert.</summary>
    private static PcapBuilder ModeSevenQueries(int count, double start, double spacing, int firstSource = 1)
    {
        var b = new PcapBuilder();
        var query = new byte[8];
        query[0] = 0x17; // version 2, mode 7
        query[3] = 42;   // MON_GETLIST_1 ("monlist")
        for (var i = 0; i < count; i++)
        {
            b.Add(start + (i * spacing), Frames.Udp($"10.251.0.{firstSource + i}", 40000, "10.251.1.1", 123, query));
        }

        return b;
    }

    private static List<(int Sid, string Source, string Destination)> Alerts(string eve) =>
        File.Exists(eve)
            ? File.ReadLines(eve).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(e => e.GetProperty("event_type").GetString() == "alert")
                .Select(e => (e.GetProperty("alert").GetProperty("signature_id").GetInt32(), e.GetProperty("src_ip").GetString()!, e.GetProperty("dest_ip").GetString()!))
                .Order().ToList()
            : [];

    [SkippableFact]
    public void ReplayedTrafficGivesTheSameAlertsAsAnalyze()
    {
        LiveNetwork.SkipUnlessAllowed();
        var b = ModeSevenQueries(5, 0, 0.05);
        var bmc = SiteCapture.Bmc(1);
        for (var p = 0; p < 30; p++)
        {
            b.Add(0.5 + (p * 0.005), Frames.Tcp("10.60.1.99", 55555, bmc, (ushort)(20 + p), Frames.Syn, seq: 7));
            b.Add(0.5 + (p * 0.005) + 0.001, Frames.Tcp(bmc, (ushort)(20 + p), "10.60.1.99", 55555, Frames.Rst | Frames.Ack, seq: 0, ack: 8));
        }

        var capture = b.WriteTemp();
        var offlineEve = TempFiles.Create(".json");
        var key = Key();
        Assert.Equal(0, CliRunner.Run("analyze", capture, "--eve", offlineEve, "--no-model", "-q", "--fingerprint-key", key).ExitCode);
        var expected = Alerts(offlineEve);
        Assert.Equal(6, expected.Count);

        using var net = new LiveNetwork();
        var liveEve = TempFiles.Create(".json");
        using var monitor = net.StartMonitor("--eve", liveEve, "--fingerprint-key", key, "--stats-interval", "0");
        net.Replay(capture);
        Thread.Sleep(1000);
        Assert.Equal(0, monitor.Stop());
        Assert.Equal(expected, Alerts(liveEve));
        foreach (var line in File.ReadLines(liveEve))
        {
            Schemas.AssertEve(line);
            Assert.Contains($"\"in_iface\":\"{net.ReceiverInterface}\"", line, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// One pipeline, two sources: the simulated site with its ten attack campaigns, replayed into the veth
    /// while tcpdump records what the wire delivered, gives the same alerts live (with the shipped model) as
    /// <c>analyze</c> gives offline for tcpdump's recording of it.
    /// </summary>
    [SkippableFact]
    public void SimulatedAttacksReplayedLiveGiveTheAlertsAnalyzeGivesForTheSamePackets()
    {
        LiveNetwork.SkipUnlessAllowed();
        Skip.If(CliRunner.Tool("which", "tcpdump") is not { ExitCode: 0 }, "tcpdump is not installed (.ci/run installs it)");
        var model = Path.Combine(RepoPaths.Root, "models", "default");
        var key = Key();
        using var net = new LiveNetwork(quiet: true);
        var recording = TempFiles.Create(".pcap");
        var liveEve = TempFiles.Create(".json");
        using (var tcpdump = StartTcpdump(net, recording))
        {
            using var monitor = net.StartMonitor("--eve", liveEve, "--model", model, "--fingerprint-key", key, "--stats-interval", "0");
            net.Replay(Path.Combine(RepoPaths.Pcaps, "sim-attacks.pcap"), "--pps", "20000");
            Thread.Sleep(1000);
            Assert.Equal(0, monitor.Stop());
            CliRunner.Tool("kill", "-INT", tcpdump.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(tcpdump.WaitForExit(10_000), "tcpdump did not stop");
        }

        var offlineEve = TempFiles.Create(".json");
        var offline = CliRunner.Run("analyze", recording, "--model", model, "--eve", offlineEve, "--fingerprint-key", key, "-q");
        Assert.True(offline.ExitCode == 0, offline.Stderr);
        var expected = Alerts(offlineEve);
        Assert.True(expected.Count >= 50, $"only {expected.Count} alerts offline");
        Assert.Contains(expected, a => a.Sid == 9100001);
        Assert.Equal(expected, Alerts(liveEve));
    }

    private static Process StartTcpdump(LiveNetwork net, string file)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", net.Receiver, "tcpdump", "-i", net.ReceiverInterface, "-s", "0", "-U", "-n", "-w", file })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        var listening = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening on", StringComparison.Ordinal) == true)
            {
                listening.Set();
            }
        };
        process.BeginErrorReadLine();
        Assert.True(listening.Wait(TimeSpan.FromSeconds(30)), "tcpdump did not start");
        return process;
    }

    [SkippableFact]
    public void SigtermMidReplayLosesNoAlertForCapturedTraffic()
    {
        LiveNetwork.SkipUnlessAllowed();
        var capture = ModeSevenQueries(40, 0, 0.1).WriteTemp(); // four seconds of traffic
        using var net = new LiveNetwork();
        var eve = TempFiles.Create(".json");
        var flows = TempFiles.Create(".log");
        using var monitor = net.StartMonitor("--eve", eve, "--flows", flows, "--stats-interval", "0", "--fingerprint-key", Key());
        var replay = Task.Run(() => LiveNetwork.Exec(net.Sender, ["tcpreplay", "-q", "-i", net.SenderInterface, capture]));
        Thread.Sleep(2000);
        Assert.Equal(0, monitor.Stop());
        replay.Wait();

        // Every query that reached the sensor is a flow in the flow log (flushed at shutdown) and has its alert.
        var captured = File.ReadLines(flows).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(f => f.GetProperty("id.resp_p").GetInt32() == 123).Select(f => f.GetProperty("id.orig_h").GetString()!).Order().ToList();
        var alerted = Alerts(eve).Where(a => a.Sid == Signatures.NtpControlQuery.Id).Select(a => a.Source).Order().ToList();
        Assert.InRange(captured.Count, 5, 39); // stopped mid-replay
        Assert.Equal(captured, alerted);
    }

    [SkippableFact]
    public void SighupReopensTheEveFileAndLosesNothing()
    {
        LiveNetwork.SkipUnlessAllowed();
        using var net = new LiveNetwork();
        var eve = TempFiles.Create(".json");
        using var monitor = net.StartMonitor("--eve", eve, "--stats-interval", "0", "--fingerprint-key", Key());
        net.Replay(ModeSevenQueries(5, 0, 0.01, firstSource: 1).WriteTemp());
        Thread.Sleep(500);
        File.Move(eve, eve + ".1");
        monitor.Signal("HUP");
        Thread.Sleep(1000);
        net.Replay(ModeSevenQueries(5, 0, 0.01, firstSource: 101).WriteTemp());
        Thread.Sleep(500);
        Assert.Equal(0, monitor.Stop());
        Assert.Contains("Reopened output files", monitor.Stderr, StringComparison.Ordinal);
        var before = Alerts(eve + ".1");
        var after = Alerts(eve);
        Assert.Equal(5, before.Count);
        Assert.Equal(5, after.Count);
        Assert.All(after, a => Assert.StartsWith("10.251.0.10", a.Source, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void SighupRefusesABrokenModelAndKeepsTheOldOne()
    {
        LiveNetwork.SkipUnlessAllowed();
        var model = TempFiles.Create("-model");
        Assert.Equal(0, CliRunner.Run("train", SiteCapture.Build(seed: 1, minutes: 60).WriteTemp(), "--out", model, "-q").ExitCode);
        using var net = new LiveNetwork();
        using var monitor = net.StartMonitor("--model", model, "--eve", TempFiles.Create(".json"), "--stats-interval", "0", "--fingerprint-key", Key());
        File.WriteAllText(Path.Combine(model, "model.json"), "{ broken");
        monitor.Signal("HUP");
        Thread.Sleep(1500);
        Assert.Equal(0, monitor.Stop());
        Assert.Contains("Model reload refused", monitor.Stderr, StringComparison.Ordinal);
        Assert.Contains("still using bmc-", monitor.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The newest event of <paramref name="type"/> in an EVE file the sensor is still writing.</summary>
    private static JsonElement? Newest(string eve, string type)
    {
        if (!File.Exists(eve))
        {
            return null;
        }

        using var stream = new FileStream(eve, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        JsonElement? newest = null;
        while (reader.ReadLine() is { } line)
        {
            var e = JsonDocument.Parse(line).RootElement;
            if (e.GetProperty("event_type").GetString() == type)
            {
                newest = e;
            }
        }

        return newest;
    }

    private static JsonElement? WaitFor(Func<JsonElement?> probe, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (probe() is { } found)
            {
                return found;
            }

            Thread.Sleep(20);
        }

        return null;
    }

    [SkippableFact]
    public void AnAlertIsInTheEveFileWhileTheSensorRunsOnASilentLink()
    {
        // One packet and then silence: it must not wait for a later packet to leave the capture ring, nor for
        // 64 KiB of events to gather before it reaches the file.
        LiveNetwork.SkipUnlessAllowed();
        using var net = new LiveNetwork(quiet: true);
        var eve = TempFiles.Create(".json");
        using var monitor = net.StartMonitor("--eve", eve, "--stats-interval", "0", "--fingerprint-key", Key());
        net.Replay(ModeSevenQueries(1, 0, 0).WriteTemp());
        var alert = WaitFor(() => Newest(eve, "alert"), TimeSpan.FromSeconds(3));
        Assert.True(alert is not null, "no alert in the EVE file within 3 s of its packet while the sensor ran");
        Assert.Equal(Signatures.NtpControlQuery.Id, alert.Value.GetProperty("alert").GetProperty("signature_id").GetInt32());
        Assert.Equal(0, monitor.Stop());
    }

    [SkippableFact]
    public void CaptureStatisticsStayCurrentOnASilentLink()
    {
        LiveNetwork.SkipUnlessAllowed();
        using var net = new LiveNetwork(quiet: true);
        var eve = TempFiles.Create(".json");
        using var monitor = net.StartMonitor("--eve", eve, "--stats-interval", "1", "--fingerprint-key", Key());
        net.Replay(ModeSevenQueries(50, 0, 0.001).WriteTemp());

        // libpcap's counters are read once a second and a stats event is written once a second.
        var stats = WaitFor(
            () => Newest(eve, "stats") is { } s && s.GetProperty("stats").GetProperty("capture").GetProperty("kernel_packets").GetInt64() == 50 ? s : null,
            TimeSpan.FromSeconds(5));
        Assert.Equal(0, monitor.Stop());
        Assert.True(stats is not null, "the stats events never counted the 50 packets: " + Newest(eve, "stats"));
        Assert.Equal(0, stats.Value.GetProperty("stats").GetProperty("capture").GetProperty("kernel_drops").GetInt64());
    }

    [SkippableFact]
    public void SigtermOnASilentLinkStopsPromptlyWithEveryPacketAnalysed()
    {
        LiveNetwork.SkipUnlessAllowed();
        using var net = new LiveNetwork(quiet: true);
        var flows = TempFiles.Create(".log");
        using var monitor = net.StartMonitor("--eve", "none", "--flows", flows, "--stats-interval", "0", "--fingerprint-key", Key());
        net.Replay(ModeSevenQueries(20, 0, 0.001).WriteTemp());
        Thread.Sleep(500);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, monitor.Stop());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"SIGTERM took {clock.Elapsed.TotalSeconds:F1} s on a silent link");
        var sources = File.ReadLines(flows).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(f => f.GetProperty("id.resp_p").GetInt32() == 123).Select(f => f.GetProperty("id.orig_h").GetString()).Distinct().Count();
        Assert.Equal(20, sources);
        Assert.Contains("Stopped: 20 packets", monitor.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void IpmiToolSessionsWithIpmiSimAreSeenLive()
    {
        LiveNetwork.SkipUnlessAllowed();
        Skip.If(CliRunner.Tool("which", "ipmi_sim") is not { ExitCode: 0 } || CliRunner.Tool("which", "ipmitool") is not { ExitCode: 0 },
            "ipmi_sim and ipmitool are not installed (.ci/run installs openipmi and ipmitool)");
        using var net = new LiveNetwork();
        using var bmc = new IpmiSimulator(net.Receiver, net.ReceiverAddress, 623, capture: false);
        var flows = TempFiles.Create(".log");
        using var monitor = net.StartMonitor("--eve", "none", "--flows", flows, "--stats-interval", "0", "--fingerprint-key", Key());
        // -C 3: ipmi_sim offers only suite 3 and never answers Get Channel Cipher Suites.
        var session = LiveNetwork.Exec(net.Sender, ["timeout", "30", "ipmitool", "-I", "lanplus", "-C", "3", "-H", net.ReceiverAddress, "-U", IpmiSimulator.User, "-P", IpmiSimulator.Password, "mc", "info"]);
        Assert.True(session.ExitCode == 0, "ipmitool failed: " + session.Stderr);
        Thread.Sleep(500);
        Assert.Equal(0, monitor.Stop());
        var ipmi = File.ReadLines(flows).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(f => f.GetProperty("id.resp_p").GetInt32() == 623 && f.GetProperty("id.orig_h").GetString() == net.SenderAddress).ToList();
        var flow = Assert.Single(ipmi);
        Assert.Equal("ipmi", flow.GetProperty("service").GetString());
        Assert.True(flow.GetProperty("orig_pkts").GetInt32() >= 8, "a full RMCP+ session has at least eight requests; saw: " + string.Join('\n', File.ReadLines(flows)) + "\nipmitool: " + session.Stdout + session.Stderr);
        Assert.True(flow.GetProperty("resp_pkts").GetInt32() >= 8);
    }

    [SkippableFact]
    public void AnUnwritableEveFileIsAUsageErrorNotAStoppedService()
    {
        // Exit 0 would tell systemd the sensor stopped normally: no restart, no failed state.
        LiveNetwork.SkipUnlessAllowed();
        var notADirectory = TempFiles.Create(".file");
        File.WriteAllText(notADirectory, "");
        var run = CliRunner.Run("monitor", "-i", "lo", "--eve", Path.Combine(notADirectory, "eve.json"), "--fingerprint-key", Key());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cannot open output", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ATakenMetricsPortIsAUsageErrorNotAStoppedService()
    {
        LiveNetwork.SkipUnlessAllowed();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var run = CliRunner.Run("monitor", "-i", "lo", "--eve", "none", "--metrics-listen", $"127.0.0.1:{port}", "--fingerprint-key", Key());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"cannot serve metrics on 127.0.0.1:{port}", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void NoSuchInterfaceExitsWith4AndListsTheInterfaces()
    {
        Skip.If(!File.Exists("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8") && !File.Exists("/lib/x86_64-linux-gnu/libpcap.so.0.8"), "libpcap0.8 is not installed");
        var run = CliRunner.Run("monitor", "-i", "nosuch0", "--eve", "none");
        Assert.Equal(4, run.ExitCode);
        Assert.Contains("no interface 'nosuch0'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("lo", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingInterfaceIsAUsageError()
    {
        var run = CliRunner.Run("monitor", "--eve", "none");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no interface", run.Stderr, StringComparison.Ordinal);
    }
}
