using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Benchmarks;

/// <summary>
/// Issue 7's floods, each two million packets in twenty seconds of capture time against one BMC:
/// SYNs from random spoofed sources, first fragments of datagrams that never complete, and one-byte UDP
/// datagrams from random sources and ports. Each capture is analysed with the default limits in a child
/// process of its own, so the peak resident set it reports belongs to that analysis alone.
/// </summary>
internal static class Floods
{
    public const int Packets = 2_000_000;
    private const long Start = 1_772_366_400_000_000_000;
    private const long Spacing = 20_000_000_000 / Packets; // 20 s of capture time
    private static readonly string[] Kinds = ["syn", "fragments", "udp"];

    /// <summary><c>floods [--dir D]</c>: writes the captures if missing, analyses each in a child process, prints a table.</summary>
    public static int Run(string directory)
    {
        Directory.CreateDirectory(directory);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"{"flood",-10} {"packets",10} {"seconds",8} {"peak RSS MiB",13} {"flows evicted",14} {"frags evicted",14} {"9108007 alerts",15} {"all alerts",11}");
        foreach (var kind in Kinds)
        {
            var capture = Path.Combine(directory, $"mgmtwatch-flood-{kind}.pcap");
            if (!File.Exists(capture))
            {
                Write(kind, capture);
            }

            var (line, exitCode) = RunChild("flood-run", capture);
            if (exitCode != 0)
            {
                Console.Error.WriteLine($"{kind}: the analysis failed (exit {exitCode})");
                return 1;
            }

            Console.WriteLine($"{kind,-10} {line}");
        }

        // Memory per concurrent flow: the tiny-UDP and SYN floods' first million packets are a million flows
        // each, all still active (the table's default limit, nothing evicted or timed out yet), each measured in
        // a child process of its own. TCP flows also hold their sequence tracking (see TcpFlowState).
        Console.WriteLine();
        foreach (var kind in new[] { "udp", "syn" })
        {
            Console.WriteLine($"{kind,-10} {RunChild("flow-memory", Path.Combine(directory, $"mgmtwatch-flood-{kind}.pcap")).Output}");
        }

        return 0;
    }

    /// <summary>Runs this benchmark program again as a child process with <paramref name="command"/>; returns its standard output, trimmed, and exit code.</summary>
    private static (string Output, int ExitCode) RunChild(string command, string capture)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(Floods).Assembly.Location);
        }

        psi.ArgumentList.Add(command);
        psi.ArgumentList.Add(capture);
        using var child = Process.Start(psi)!;
        var output = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        return (output, child.ExitCode);
    }

    /// <summary>
    /// <c>flow-memory FILE</c>: reads packets until a million flows are active (or the capture ends) and prints what they hold: managed
    /// heap (after a full compacting collection) and resident set, beyond the pipeline's empty state, per flow.
    /// </summary>
    public static int FlowMemory(string capture)
    {
        var pipeline = new AnalysisPipeline(new PipelineOptions(), new FanOutSink());
        using var source = new CaptureFileSet([capture], MergeOrder.Time);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var residentBefore = Environment.WorkingSet;
        while (pipeline.ActiveFlows < FlowTableLimit && source.MoveNext())
        {
            pipeline.Process(source.Current, source.Data);
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        var resident = Environment.WorkingSet - residentBefore;
        var active = pipeline.ActiveFlows;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{active:N0} concurrent flows: managed heap {heap / 1048576.0:F0} MiB ({(double)heap / active:F0} B per flow), resident set {resident / 1048576.0:F0} MiB ({(double)resident / active:F0} B per flow) beyond the empty pipeline"));
        GC.KeepAlive(pipeline);
        return 0;
    }

    private const int FlowTableLimit = Core.Flows.FlowTable.DefaultMaxFlows;

    /// <summary><c>flood-run FILE</c>: analyses one capture with the default options and prints one table row.</summary>
    public static int Analyse(string capture)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mgmtwatch-flood-out");
        Directory.CreateDirectory(dir);
        var alerts = new AlertCounter();
        using var sink = new FanOutSink(new EveJsonSink(Path.Combine(dir, "eve.json")), new FlowLogSink(Path.Combine(dir, "flows.log")), alerts);
        var pipeline = new AnalysisPipeline(new PipelineOptions(), sink);
        var clock = Stopwatch.StartNew();
        using (var source = new CaptureFileSet([capture], MergeOrder.Time))
        {
            PacketLoop.Run(source, pipeline);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var s = pipeline.Summary;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{s.Packets,10:N0} {seconds,8:F1} {self.PeakWorkingSet64 / 1048576.0,13:F0} {s.Flows.Evicted,14:N0} {s.Fragments.Evicted,14:N0} {alerts.ResourceExhaustion,15} {alerts.All,11}"));
        return 0;
    }

    private static void Write(string kind, string path)
    {
        Console.WriteLine($"writing {path} ...");
        var random = new Random(7);
        using var writer = new PcapFileWriter(path, LinkType.Ethernet);
        Span<byte> frame = stackalloc byte[64];
        for (var i = 0; i < Packets; i++)
        {
            frame.Clear();
            var length = kind switch
            {
                "syn" => Syn(frame, random),
                "fragments" => Fragment(frame, random),
                _ => TinyUdp(frame, random),
            };
            writer.Write(Start + (i * Spacing), frame[..length]);
        }
    }

    // Ethernet II to a Supermicro-prefixed BMC MAC; IPv4 to the BMC 10.50.0.10 from a random address.
    private static int Ipv4(Span<byte> frame, Random random, byte protocol, int payloadLength, ushort flagsAndOffset)
    {
        frame[0] = 0x00;
        frame[1] = 0x25;
        frame[2] = 0x90;
        frame[5] = 0x10;
        frame[6] = 0x02;
        frame[12] = 0x08; // IPv4
        var ip = frame[14..];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)random.Next(65536));
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], flagsAndOffset);
        ip[8] = 64;
        ip[9] = protocol;
        BinaryPrimitives.WriteInt32BigEndian(ip[12..], random.Next(0x0B000000, 0x7F000000)); // public-looking sources
        ip[16] = 10;
        ip[17] = 50;
        ip[19] = 10;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip[..20], 0));
        return 14 + 20 + payloadLength;
    }

    private static int Syn(Span<byte> frame, Random random)
    {
        var length = Ipv4(frame, random, 6, 20, 0x4000);
        var tcp = frame[34..54];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, (ushort)random.Next(1024, 65536));
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 443);
        BinaryPrimitives.WriteInt32BigEndian(tcp[4..], random.Next());
        tcp[12] = 0x50;
        tcp[13] = 0x02; // SYN
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 64240);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum(tcp, PseudoHeader(frame[14..], 6, 20)));
        return length;
    }

    private static int Fragment(Span<byte> frame, Random random)
    {
        // A first fragment (more-fragments set, offset 0) of a UDP datagram to 623 whose rest never comes.
        var length = Ipv4(frame, random, 17, 24, 0x2000);
        var udp = frame[34..58];
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)random.Next(1024, 65536));
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 623);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], 1480);
        return length;
    }

    private static int TinyUdp(Span<byte> frame, Random random)
    {
        var length = Ipv4(frame, random, 17, 9, 0);
        var udp = frame[34..43];
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)random.Next(1024, 65536));
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 623);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], 9);
        udp[8] = (byte)random.Next(256);
        return length;
    }

    private static uint PseudoHeader(ReadOnlySpan<byte> ip, byte protocol, int length)
    {
        uint sum = 0;
        for (var i = 12; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        }

        return sum + protocol + (uint)length;
    }

    private static ushort Checksum(ReadOnlySpan<byte> data, uint sum)
    {
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if ((data.Length & 1) != 0)
        {
            sum += (uint)data[^1] << 8;
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private sealed class AlertCounter : IEventSink
    {
        public long All { get; private set; }

        public long ResourceExhaustion { get; private set; }

        public void Emit(FlowRecord flow)
        {
        }

        public void Emit(AnomalyEvent anomaly)
        {
        }

        public void Emit(AlertEvent alert)
        {
            All++;
            if (alert.SignatureId == Signatures.ResourceExhaustion.Id)
            {
                ResourceExhaustion++;
            }
        }

        public void Emit(StatsEvent stats)
        {
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
