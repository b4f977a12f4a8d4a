using System.Diagnostics;
using System.Globalization;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Benchmarks;

/// <summary>
/// Whole-path throughput over one large capture: read, read+decode, read+decode+flows and the full
/// analyze path with outputs, each the best of several runs on one thread, beside tcpdump reading the
/// same file. Prints packets/s and MB/s (capture-file bytes per second).
/// </summary>
internal static class Throughput
{
    public static int Run(string capture, int repeats)
    {
        var size = new FileInfo(capture).Length;
        Console.WriteLine($"capture: {capture} ({size / 1e6:F1} MB)");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine($"{"stage",-28} {"packets",12} {"seconds",9} {"packets/s",12} {"MB/s",9}");
        var stages = new (string Name, Func<string, long> Body)[]
        {
            ("read", ReadOnly),
            ("read+decode", ReadDecode),
            ("read+decode+flows", ReadDecodeFlows),
            ("analyze (EVE + flow log)", FullAnalyze),
        };
        foreach (var (name, body) in stages)
        {
            body(capture); // warm-up: JIT and page cache
            var best = double.MaxValue;
            long packets = 0;
            for (var i = 0; i < repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                packets = body(capture);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            Print(name, packets, best, size);
        }

        var tcpdump = TimeTool("tcpdump", ["-r", capture, "-w", "/dev/null"], repeats);
        if (tcpdump is { } t)
        {
            var packets = CountPackets(capture);
            Print("tcpdump -r FILE -w /dev/null", packets, t, size);
        }
        else
        {
            Console.WriteLine("tcpdump not installed: apt-get install -y tcpdump");
        }

        return 0;
    }

    private static void Print(string name, long packets, double seconds, long size) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-28} {packets,12:N0} {seconds,9:F3} {packets / seconds,12:N0} {size / 1e6 / seconds,9:F1}"));

    private static long CountPackets(string capture)
    {
        using var source = new CaptureFileSet([capture], MergeOrder.Time);
        long n = 0;
        while (source.MoveNext())
        {
            n++;
        }

        return n;
    }

    private static long ReadOnly(string capture)
    {
        using var source = new CaptureFileSet([capture], MergeOrder.Time);
        long n = 0;
        long bytes = 0;
        while (source.MoveNext())
        {
            bytes += source.Data.Length;
            n++;
        }

        return bytes >= 0 ? n : -1;
    }

    private static long ReadDecode(string capture)
    {
        using var source = new CaptureFileSet([capture], MergeOrder.Time);
        var decoder = new PacketDecoder();
        long n = 0;
        while (source.MoveNext())
        {
            var p = default(DecodedPacket);
            decoder.Decode(source.Current, source.Data, ref p);
            n++;
        }

        return n;
    }

    private static long ReadDecodeFlows(string capture)
    {
        using var source = new CaptureFileSet([capture], MergeOrder.Time);
        var decoder = new PacketDecoder();
        var table = new FlowTable(new NoOpHandler());
        long n = 0;
        while (source.MoveNext())
        {
            var p = default(DecodedPacket);
            decoder.Decode(source.Current, source.Data, ref p);
            n++;
            if (p.Kind == PacketKind.Ip)
            {
                table.Observe(source.Current.Timestamp, n, ref p, out _);
            }
        }

        table.Flush(FlowEndReason.Shutdown);
        return n;
    }

    private static long FullAnalyze(string capture)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mgmtwatch-bench");
        Directory.CreateDirectory(dir);
        using var sink = new FanOutSink(new EveJsonSink(Path.Combine(dir, "eve.json")), new FlowLogSink(Path.Combine(dir, "flows.log")));
        var pipeline = new AnalysisPipeline(new PipelineOptions(), sink);
        using var source = new CaptureFileSet([capture], MergeOrder.Time);
        PacketLoop.Run(source, pipeline);
        return pipeline.Packets;
    }

    private static double? TimeTool(string tool, string[] args, int repeats)
    {
        var best = double.MaxValue;
        for (var i = 0; i <= repeats; i++)
        {
            var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            try
            {
                var clock = Stopwatch.StartNew();
                using var p = Process.Start(psi)!;
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (i > 0)
                {
                    best = Math.Min(best, clock.Elapsed.TotalSeconds);
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }

        return best;
    }

    private sealed class NoOpHandler : IFlowEndHandler
    {
        public void OnFlowEnd(FlowTable table, int flow, FlowEndReason reason)
        {
        }
    }
}
