using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;

namespace MgmtWatch.Benchmarks;

/// <summary>
/// Whole-path throughput over one large capture: read, read+decode, read+decode+flows and the full
/// analyze path with outputs, each the best of several runs on one thread, beside two references run in
/// the same process on the same file: a bare libpcap read loop (<c>pcap_next_ex</c>, the floor any
/// pcap reader stands on) and <c>tcpdump -r FILE -w /dev/null</c>. Prints packets/s, MB/s (capture-file
/// bytes per second), managed bytes allocated per packet, peak resident memory, and the ratios of the
/// full analyze path to both references.
/// </summary>
internal static class Throughput
{
    private const string AnalyzeStage = "analyze (EVE + flow log)";
    private const string ScoredStage = "analyze + model scoring";
    private const string TwoThreadStage = "analyze, 2 threads";
    private const string TwoThreadScoredStage = "analyze + model, 2 threads";
    private const string BareStage = "analyze, no protocol analyzers";
    private const string GzipStage = "analyze gzip input, 1 thread";
    private const string GzipTwoThreadStage = "analyze gzip input, 2 threads";
    private const string LibPcapStage = "bare libpcap loop";
    private const string TcpdumpStage = "tcpdump -r FILE -w /dev/null";

    /// <param name="capture">The capture to read.</param>
    /// <param name="repeats">Runs per stage; the best counts.</param>
    /// <param name="model">A model to score with, for the scoring stages.</param>
    /// <param name="only">Stages whose names contain one of these run (the libpcap loop always does); all when empty.</param>
    public static int Run(string capture, int repeats, AnomalyModel? model = null, IReadOnlyList<string>? only = null)
    {
        var size = new FileInfo(capture).Length;
        Console.WriteLine($"capture: {capture} ({size / 1e6:F1} MB)");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        var peakResets = ResetPeakResident();
        Console.WriteLine(peakResets
            ? "peak RSS: per stage (heap compacted and VmHWM reset before each); in-process stages include the .NET runtime; tcpdump's is its own (GNU time)"
            : "peak RSS: this kernel cannot reset VmHWM, so in-process figures are the process's peak so far; tcpdump's is its own (GNU time)");
        Console.WriteLine("alloc: managed bytes allocated per run of the stage, and per packet (set-up such as read buffers and table growth included)");
        Console.WriteLine();
        Console.WriteLine($"{"stage",-30} {"packets",12} {"seconds",9} {"packets/s",12} {"MB/s",9} {"alloc MB",9} {"B/pkt",7} {"peak RSS MB",12}");
        var stages = new (string Name, Func<string, long> Body)[]
        {
            (LibPcapStage, LibPcapLoop),
            ("read", ReadOnly),
            ("read+decode", ReadDecode),
            ("read+decode+flows", ReadDecodeFlows),
            (BareStage, c => FullAnalyze(c, null, analyzers: false)),
            (AnalyzeStage, c => FullAnalyze(c, null)),
        };
        if (model is not null)
        {
            // The same path scoring every flow with a model (ideally trained on this site's baseline), so
            // the difference is what scoring costs once the process is warm (model loading excluded).
            stages = [.. stages, (ScoredStage, c => FullAnalyze(c, model))];
        }

        // The same full paths with rules, incidents and output writing on a second thread (analyze --threads 2,
        // the default on two cores); their outputs are the one-thread outputs byte for byte.
        stages = [.. stages, (TwoThreadStage, c => FullAnalyze(c, null, threads: 2))];
        if (model is not null)
        {
            stages = [.. stages, (TwoThreadScoredStage, c => FullAnalyze(c, model, threads: 2))];
        }

        // The same capture gzip-compressed (zlib's default level), with the model if there is one: on two
        // threads it is inflated on a thread of its own (ReadAheadStream), on one inline.
        stages = [.. stages, (GzipStage, c => FullAnalyze(GzipCopy(c), model)), (GzipTwoThreadStage, c => FullAnalyze(GzipCopy(c), model, threads: 2))];
        if (only is { Count: > 0 })
        {
            stages = [.. stages.Where(s => s.Name == LibPcapStage || only.Any(o => s.Name.Contains(o, StringComparison.Ordinal)))];
        }

        var rates = new Dictionary<string, double>();
        foreach (var (name, body) in stages)
        {
            try
            {
                body(capture); // warm-up: JIT and page cache
            }
            catch (DllNotFoundException)
            {
                Console.WriteLine($"{name,-30} libpcap not installed: apt-get install -y libpcap0.8");
                continue;
            }

            // Memory an earlier stage left behind is returned first, so each stage's peak is its own.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            ResetPeakResident();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var best = double.MaxValue;
            long packets = 0;
            for (var i = 0; i < repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                packets = body(capture);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            var allocatedPerRun = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)repeats;
            Print(name, packets, best, size, allocatedPerRun, PeakResidentBytes());
            rates[name] = packets / best;
        }

        var tcpdump = only is { Count: > 0 } && !only.Any(o => TcpdumpStage.Contains(o, StringComparison.Ordinal))
            ? null
            : TimeTool("tcpdump", ["-r", capture, "-w", "/dev/null"], repeats);
        if (tcpdump is { } t)
        {
            var packets = CountPackets(capture);
            Print(TcpdumpStage, packets, t, size, null, ToolPeakResidentBytes("tcpdump", ["-r", capture, "-w", "/dev/null"]));
            rates[TcpdumpStage] = packets / t;
        }
        else if (only is not { Count: > 0 })
        {
            Console.WriteLine("tcpdump not installed: apt-get install -y tcpdump");
        }

        Console.WriteLine();
        Console.WriteLine("ratios (packets/s of the full analyze path ÷ the reference's; 0.50 = half as fast, i.e. twice the time):");
        foreach (var reference in new[] { LibPcapStage, TcpdumpStage })
        {
            if (rates.TryGetValue(AnalyzeStage, out var analyze) && rates.TryGetValue(reference, out var r))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  full analyze ÷ {reference,-28} {analyze / r,6:F2}  ({r / analyze:F1}× the time)"));
            }
        }

        foreach (var (stage, label) in new[] { (AnalyzeStage, "rules only, one thread"), (ScoredStage, "with the model, one thread"), (TwoThreadStage, "rules only, two threads"), (TwoThreadScoredStage, "with the model, two threads") })
        {
            if (rates.TryGetValue(stage, out var rate) && rates.TryGetValue(LibPcapStage, out var libpcap))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  analyze {label,-28} ÷ bare libpcap loop {rate / libpcap,6:F2}"));
            }
        }

        if (rates.TryGetValue(AnalyzeStage, out var full) && rates.TryGetValue(BareStage, out var bare))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  protocol analyzers: {(1 - (full / bare)) * 100:F1} % of the full path's throughput"));
        }

        foreach (var (plainStage, scoredStage, label) in new[] { (AnalyzeStage, ScoredStage, "one thread"), (TwoThreadStage, TwoThreadScoredStage, "two threads") })
        {
            if (rates.TryGetValue(plainStage, out var plain) && rates.TryGetValue(scoredStage, out var scored))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  scoring with model {model!.ModelId}, {label}: {(plain / scored - 1) * 100:F1} % more time than rules only"));
            }
        }

        if (rates.TryGetValue(GzipStage, out var gzipOne) && rates.TryGetValue(GzipTwoThreadStage, out var gzipTwo))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  gzip input: two threads {gzipTwo / gzipOne:F2}× as fast as one (inflating beside the packet loop)"));
        }

        return 0;
    }

    /// <summary>A gzip copy of <paramref name="capture"/> in the benchmark's temporary directory, made once (zlib's default level, as gzip(1) makes them).</summary>
    private static string GzipCopy(string capture)
    {
        var source = new FileInfo(capture);
        var dir = Path.Combine(Path.GetTempPath(), "mgmtwatch-bench");
        Directory.CreateDirectory(dir);
        var copy = new FileInfo(Path.Combine(dir, source.Name + ".gz"));
        if (!copy.Exists || copy.LastWriteTimeUtc < source.LastWriteTimeUtc)
        {
            var partial = copy.FullName + ".partial";
            using (var input = File.OpenRead(capture))
            using (var output = new System.IO.Compression.GZipStream(File.Create(partial), System.IO.Compression.CompressionLevel.Optimal))
            {
                input.CopyTo(output);
            }

            File.Move(partial, copy.FullName, overwrite: true);
        }

        return copy.FullName;
    }

    private static void Print(string name, long packets, double seconds, long size, double? allocatedPerRun, long? peakResident)
    {
        var perRun = allocatedPerRun is { } a ? (a / 1e6).ToString("F1", CultureInfo.InvariantCulture) : "-";
        var perPacket = allocatedPerRun is { } b ? (b / Math.Max(1, packets)).ToString("F1", CultureInfo.InvariantCulture) : "-";
        var peak = peakResident is { } p ? (p / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-30} {packets,12:N0} {seconds,9:F3} {packets / seconds,12:N0} {size / 1e6 / seconds,9:F1} {perRun,9} {perPacket,7} {peak,12}"));
    }

    /// <summary>
    /// The bare libpcap read loop: open, <c>pcap_next_ex</c> until the end, close; each packet counted and
    /// its <c>caplen</c> read, nothing else. What any libpcap-based reader costs before it looks at a byte.
    /// </summary>
    private static long LibPcapLoop(string capture)
    {
        var error = new byte[NativeMethods.PcapErrorBufferSize];
        var handle = NativeMethods.PcapOpenOffline(capture, error);
        if (handle == IntPtr.Zero)
        {
            throw new IOException($"pcap_open_offline: {System.Text.Encoding.UTF8.GetString(error).TrimEnd('\0')}");
        }

        long packets = 0;
        long captured = 0;
        try
        {
            while (NativeMethods.PcapNextEx(handle, out var header, out _) == 1)
            {
                captured += (uint)Marshal.ReadInt32(header, NativeMethods.PcapHeaderCaptureLength);
                packets++;
            }
        }
        finally
        {
            NativeMethods.PcapClose(handle);
        }

        return captured >= 0 ? packets : -1;
    }

    /// <summary>Resets this process's VmHWM to its current RSS (Linux 4.0+: <c>5</c> to /proc/self/clear_refs).</summary>
    private static bool ResetPeakResident()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>This process's peak resident set (VmHWM in /proc/self/status), or null off Linux.</summary>
    private static long? PeakResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>
    /// Peak resident set of one run of <paramref name="tool"/>, from GNU time's <c>%M</c> (Debian package
    /// <c>time</c>); null without it. Not getrusage on our own children: Linux carries the forking process's
    /// peak across exec, so a child of this process would report this process's peak.
    /// </summary>
    private static long? ToolPeakResidentBytes(string tool, string[] args)
    {
        const string GnuTime = "/usr/bin/time";
        if (!File.Exists(GnuTime))
        {
            return null;
        }

        var psi = new ProcessStartInfo(GnuTime) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["-f", "maxrss_kb=%M", tool, .. args])
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var lines = p.StandardError.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        var last = lines.Length > 0 ? lines[^1] : "";
        return last.StartsWith("maxrss_kb=", StringComparison.Ordinal)
               && long.TryParse(last["maxrss_kb=".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kilobytes)
            ? kilobytes * 1024
            : null;
    }

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

    private static long FullAnalyze(string capture, AnomalyModel? model, bool analyzers = true, int threads = 1)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mgmtwatch-bench");
        Directory.CreateDirectory(dir);
        using var sink = new FanOutSink(new EveJsonSink(Path.Combine(dir, "eve.json")), new FlowLogSink(Path.Combine(dir, "flows.log")));
        var options = model is null ? new PipelineOptions() : new PipelineOptions { Scorer = new ModelScorer(model), Baseline = model.Profile };
        options = options with { Threads = threads };
        if (!analyzers)
        {
            // Flows, rules and outputs as usual, without any protocol analyzer: the difference is what they cost.
            options = options with { Analyzers = () => new Core.Analyzers.AnalyzerRegistry([]) };
        }

        var pipeline = new AnalysisPipeline(options, sink);
        using var source = new CaptureFileSet([capture], MergeOrder.Time, readAhead: threads > 1); // as analyze does
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
