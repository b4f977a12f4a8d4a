using System.Buffers.Binary;
using System.Text.Json;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Fuzz;

/// <summary>
/// What each fuzz target does with one input. Shared by the AFL++ harness (Program.cs) and, as a linked
/// source file, by the regression tests in MgmtWatch.Core.Tests, so a crash file found by afl-fuzz replays
/// through exactly the code that found it.
/// </summary>
/// <remarks>
/// <para>Input formats (tests/fuzz/README.md has the same, for people writing seeds):</para>
/// <list type="bullet">
/// <item><c>reader</c>: a whole capture file (pcap, pcapng, gzip of either), read to its end (gzip twice: inline and read ahead, which must agree).</item>
/// <item><c>decoder</c>: byte 0 picks the link type (<see cref="LinkTypes"/>, modulo their count), then
/// frames, each a 2-byte big-endian length and that many bytes (a short last frame takes what is left),
/// 1 ms apart, through the whole pipeline (decoder, fragment reassembly, flow table, analyzers, outputs).</item>
/// <item>an analyzer name: byte 0 is the setup (bit 0: TCP where the analyzer has both transports on its
/// port), then records of one header byte (bit 0: sent by the server; bits 1–7: seconds of silence before
/// it), a 2-byte big-endian length and the payload. UDP records are datagrams; TCP records are the
/// payload of a connection with a real handshake and close, cut into 1460-byte segments. Everything runs
/// through the real pipeline and every output line is checked (<see cref="CheckOutputs"/>).</item>
/// </list>
/// </remarks>
internal static class FuzzTargets
{
    /// <summary>Link types the decoder target can pick, in the order byte 0 selects them; the last is unsupported on purpose.</summary>
    internal static readonly LinkType[] LinkTypes =
    [
        LinkType.Ethernet, LinkType.Raw, LinkType.Ipv4, LinkType.Ipv6, LinkType.Null, LinkType.Loop,
        LinkType.LinuxSll, LinkType.LinuxSll2, (LinkType)147,
    ];

    /// <summary>Analyzer targets: name, server port, whether the port is TCP, whether the analyzer also takes TCP on it.</summary>
    internal static readonly (string Name, ushort Port, bool Tcp, bool AlsoTcp)[] Analyzers =
    [
        ("ipmi", 623, false, false),
        ("snmp", 161, false, false),
        ("dns", 53, false, true),
        ("dhcp", 67, false, false),
        ("syslog", 514, false, true),
        ("ntp", 123, false, false),
        ("tls", 443, true, false),
        ("ssh", 22, true, false),
        ("http", 80, true, false),
        ("rfb", 5900, true, false),
        ("kvm", 17990, true, false),
        ("ldap", 389, true, false),
    ];

    /// <summary>Every target name.</summary>
    internal static IEnumerable<string> Names => ["reader", "decoder", .. Analyzers.Select(a => a.Name)];

    /// <summary>Packet time of the first packet: 2026-09-21, an ordinary recent date.</summary>
    private const long BaseTime = 1_790_000_000L * 1_000_000_000L;

    /// <summary>Ethernet MTU less the IPv4 and TCP headers: how a real sender cuts a long record.</summary>
    private const int Mss = 1460;

    /// <summary>Records per input at most, so one input cannot make one execution slow.</summary>
    private const int MaxRecords = 256;

    /// <summary>Runs <paramref name="target"/> on <paramref name="input"/>; throws only for a finding (a bug).</summary>
    internal static void Run(string target, ReadOnlySpan<byte> input)
    {
        switch (target)
        {
            case "reader":
                Reader(input);
                return;
            case "decoder":
                Decoder(input);
                return;
            default:
                foreach (var a in Analyzers)
                {
                    if (a.Name == target)
                    {
                        Analyzer(a.Port, a.Tcp, a.AlsoTcp, input);
                        return;
                    }
                }

                throw new ArgumentException("unknown fuzz target " + target, nameof(target));
        }
    }

    /// <summary>
    /// Reads a whole capture file. A capture error is a result, not a finding. A gzip file is read twice,
    /// inline and inflated ahead on another thread (as two-thread runs read it): the packets and the error
    /// must be the same, or a two-thread run would write other results than a one-thread run.
    /// </summary>
    internal static void Reader(ReadOnlySpan<byte> input)
    {
        var path = Path.Combine(Path.GetTempPath(), "mgmtwatch-fuzz-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".cap");
        File.WriteAllBytes(path, input.ToArray());
        var inline = ReadAll(path, readAhead: false);
        if (input is [0x1F, 0x8B, ..] && ReadAll(path, readAhead: true) != inline)
        {
            throw new InvalidOperationException("read ahead, the gzip capture gave other packets or another error than read inline");
        }
    }

    /// <summary>Reads a capture file to its end; returns the packet count, a hash of every packet and the error.</summary>
    private static (long Packets, int Hash, string? Error) ReadAll(string path, bool readAhead)
    {
        using var reader = CaptureFileReader.Open(path, 0, out var error, readAhead);
        if (reader is null)
        {
            return (-1, 0, (error ?? throw new InvalidOperationException("Open returned neither a reader nor an error")).ToString());
        }

        long packets = 0;
        var hash = new HashCode();
        while (reader.MoveNext())
        {
            var data = reader.Data;
            if (data.Length != reader.Current.CaptureLength || data.Length > CaptureFileReader.MaxPacketLength)
            {
                throw new InvalidOperationException("packet length disagrees with its record");
            }

            packets++;
            hash.Add(reader.Current.Timestamp);
            hash.AddBytes(data);
        }

        return (packets, hash.ToHashCode(), reader.Error?.ToString());
    }

    /// <summary>Frames of one link type through the whole pipeline; returns what the outputs hold.</summary>
    internal static Rendered? Decoder(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return null;
        }

        var linkType = LinkTypes[input[0] % LinkTypes.Length];
        using var outputs = new Outputs();
        var pipeline = outputs.Pipeline();
        var info = new PacketInfo { LinkType = linkType, Timestamp = BaseTime };
        var rest = input[1..];
        for (var n = 0; n < MaxRecords && !rest.IsEmpty; n++)
        {
            var frame = NextRecord(ref rest, 2, out _);
            info.CaptureLength = frame.Length;
            info.WireLength = frame.Length;
            info.Timestamp += 1_000_000;
            pipeline.Process(info, frame);
        }

        pipeline.Finish();
        return outputs.Check();
    }

    /// <summary>
    /// Runs a conversation (records sent by the client or the server) to analyzer <paramref name="target"/>
    /// in this target's input format, for tests that build inputs rather than mutate them.
    /// </summary>
    internal static Rendered Conversation(string target, bool tcp, params (bool FromServer, byte[] Payload)[] records)
    {
        var input = new List<byte> { (byte)(tcp ? 1 : 0) };
        foreach (var (fromServer, payload) in records)
        {
            for (var at = 0; at == 0 || at < payload.Length; at += ushort.MaxValue)
            {
                var part = payload.AsSpan(at, Math.Min(ushort.MaxValue, payload.Length - at));
                input.Add((byte)(fromServer ? 1 : 0));
                input.Add((byte)(part.Length >> 8));
                input.Add((byte)part.Length);
                input.AddRange(part);
            }
        }

        var a = Array.Find(Analyzers, a => a.Name == target);
        return Analyzer(a.Port, a.Tcp, a.AlsoTcp, input.ToArray())!;
    }

    /// <summary>Payload records on an analyzer's port through the whole pipeline; returns what the outputs hold.</summary>
    internal static Rendered? Analyzer(ushort port, bool tcp, bool alsoTcp, ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return null;
        }

        tcp |= alsoTcp && (input[0] & 1) != 0;
        using var outputs = new Outputs();
        var pipeline = outputs.Pipeline();
        var client = new Endpoint { Port = port == 67 ? (ushort)68 : (ushort)40000, Address = 0x0A00_0001, Sequence = 0x1000_0000 };
        var server = new Endpoint { Port = port, Address = 0x0A00_0009, Sequence = 0x7000_0000 };
        var frame = new byte[14 + 20 + 8 + 65_507]; // the largest UDP datagram in an IPv4 packet
        var info = new PacketInfo { LinkType = LinkType.Ethernet, Timestamp = BaseTime };

        void Send(AnalysisPipeline p, ref PacketInfo i, ref Endpoint from, ref Endpoint to, byte flags, ReadOnlySpan<byte> payload, bool udp)
        {
            var length = udp ? FuzzFrames.Udp(frame, from, to, payload) : FuzzFrames.Tcp(frame, from, to, flags, payload);
            if (!udp)
            {
                from.Sequence += (uint)payload.Length + ((flags & (FuzzFrames.Syn | FuzzFrames.Fin)) != 0 ? 1u : 0u);
            }

            i.Timestamp += 1_000_000;
            i.CaptureLength = length;
            i.WireLength = length;
            p.Process(i, frame.AsSpan(0, length));
        }

        if (tcp)
        {
            Send(pipeline, ref info, ref client, ref server, FuzzFrames.Syn, [], false);
            server.Acknowledged = client.Sequence;
            Send(pipeline, ref info, ref server, ref client, FuzzFrames.Syn | FuzzFrames.Ack, [], false);
            client.Acknowledged = server.Sequence;
            Send(pipeline, ref info, ref client, ref server, FuzzFrames.Ack, [], false);
        }

        var rest = input[1..];
        for (var n = 0; n < MaxRecords && !rest.IsEmpty; n++)
        {
            var payload = NextRecord(ref rest, 1, out var header);
            var fromServer = (header & 1) != 0;
            info.Timestamp += (header >> 1) * 1_000_000_000L;
            do
            {
                var chunk = tcp ? payload[..Math.Min(payload.Length, Mss)] : payload[..Math.Min(payload.Length, 65_507)];
                payload = payload[chunk.Length..];
                if (fromServer)
                {
                    Send(pipeline, ref info, ref server, ref client, FuzzFrames.Ack | FuzzFrames.Psh, chunk, !tcp);
                    client.Acknowledged = server.Sequence;
                }
                else
                {
                    Send(pipeline, ref info, ref client, ref server, FuzzFrames.Ack | FuzzFrames.Psh, chunk, !tcp);
                    server.Acknowledged = client.Sequence;
                }
            }
            while (!payload.IsEmpty);
        }

        if (tcp)
        {
            Send(pipeline, ref info, ref client, ref server, FuzzFrames.Fin | FuzzFrames.Ack, [], false);
            server.Acknowledged = client.Sequence;
            Send(pipeline, ref info, ref server, ref client, FuzzFrames.Fin | FuzzFrames.Ack, [], false);
            client.Acknowledged = server.Sequence;
            Send(pipeline, ref info, ref client, ref server, FuzzFrames.Ack, [], false);
        }

        pipeline.Finish();
        return outputs.Check();
    }

    /// <summary>
    /// Cuts the next record off <paramref name="rest"/>: <paramref name="headerBytes"/> − 2 header bytes (the
    /// first returned in <paramref name="header"/>), a 2-byte big-endian length, the payload (what is left
    /// when the length overshoots).
    /// </summary>
    private static ReadOnlySpan<byte> NextRecord(ref ReadOnlySpan<byte> rest, int headerBytes, out byte header)
    {
        header = 0;
        if (headerBytes == 1)
        {
            header = rest[0];
            rest = rest[1..];
        }

        if (rest.Length < 2)
        {
            var tail = rest;
            rest = [];
            return tail;
        }

        var length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(rest), rest.Length - 2);
        var record = rest.Slice(2, length);
        rest = rest[(2 + length)..];
        return record;
    }

    /// <summary>Longest string value an output may hold: the pipeline's cap on any text from the wire, plus its truncation mark.</summary>
    internal const int MaxOutputString = Core.Analyzers.WireText.MaxFieldChars + 1;

    /// <summary>
    /// Checks what the outputs hold, so the fuzzer finds hostile output as well as crashes: every EVE and
    /// flow-log line is one JSON object whose strings (decoded) hold no control character, no bidirectional
    /// override and nothing longer than <see cref="MaxOutputString"/>; every Zeek TSV row has exactly as many
    /// columns as its <c>#fields</c> line and no byte outside printable ASCII but the separator.
    /// </summary>
    internal static void CheckOutputs(byte[] eve, byte[] flowsJson, byte[] flowsTsv)
    {
        foreach (var output in new[] { eve, flowsJson })
        {
            foreach (var line in Lines(output))
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidOperationException("a JSON line is not an object");
                }

                CheckStrings(doc.RootElement);
            }
        }

        var columns = -1;
        foreach (var line in Lines(flowsTsv))
        {
            var tabs = 0;
            foreach (var b in line)
            {
                if (b == '\t')
                {
                    tabs++;
                }
                else if (b is < 0x20 or > 0x7E)
                {
                    throw new InvalidOperationException("a TSV line holds a byte outside printable ASCII");
                }
            }

            if (line.AsSpan().StartsWith("#fields"u8))
            {
                columns = tabs; // "#fields" takes the first column, so a row has one tab fewer
            }
            else if (!line.AsSpan().StartsWith("#"u8) && tabs != columns - 1)
            {
                throw new InvalidOperationException("a TSV row has " + (tabs + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + " columns, not " + columns.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>True for characters that must never reach a reader: C0 and C1 controls, DEL, bidirectional overrides and isolates, lone surrogates.</summary>
    internal static bool IsHostile(string text, out int at)
    {
        for (at = 0; at < text.Length; at++)
        {
            var c = text[at];
            if (c < 0x20 || c is >= '\u007F' and <= '\u009F' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            {
                return true;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && at + 1 < text.Length && char.IsLowSurrogate(text[at + 1]))
                {
                    at++;
                    continue;
                }

                return true;
            }
        }

        return false;
    }

    private static void CheckStrings(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    CheckString(p.Name);
                    CheckStrings(p.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    CheckStrings(item);
                }

                break;
            case JsonValueKind.String:
                CheckString(e.GetString()!);
                break;
            default:
                break;
        }
    }

    private static void CheckString(string s)
    {
        if (s.Length > MaxOutputString)
        {
            throw new InvalidOperationException("an output string is " + s.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " characters long");
        }

        if (IsHostile(s, out var at))
        {
            throw new InvalidOperationException("an output string holds U+" + ((int)s[at]).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static List<byte[]> Lines(byte[] output)
    {
        var lines = new List<byte[]>();
        var span = output.AsSpan();
        while (!span.IsEmpty)
        {
            var nl = span.IndexOf((byte)'\n');
            if (nl < 0)
            {
                throw new InvalidOperationException("output does not end with a newline");
            }

            lines.Add(span[..nl].ToArray());
            span = span[(nl + 1)..];
        }

        return lines;
    }

    /// <summary>What the three outputs of one run hold (UTF-8).</summary>
    internal sealed record Rendered(byte[] Eve, byte[] FlowsJson, byte[] FlowsTsv);

    /// <summary>One side of a conversation.</summary>
    internal struct Endpoint
    {
        public uint Address;
        public ushort Port;
        public uint Sequence;
        public uint Acknowledged;
    }

    /// <summary>The pipeline's three outputs, written to memory and checked at the end.</summary>
    private sealed class Outputs : IDisposable
    {
        private readonly MemoryStream _eve = new();
        private readonly MemoryStream _flows = new();
        private readonly string _tsvPath = Path.Combine(Path.GetTempPath(), "mgmtwatch-fuzz-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tsv");
        private readonly FanOutSink _sink;
        private bool _closed;

        public Outputs() =>
            _sink = new FanOutSink(new EveJsonSink(new JsonLinesWriter(_eve)), new FlowLogSink(new JsonLinesWriter(_flows)), new FlowLogTsvSink(_tsvPath));

        /// <summary>A pipeline with a small flow table (a fresh one per input: no state leaks between executions).</summary>
        public AnalysisPipeline Pipeline() => new(new PipelineOptions { MaxFlows = 64 }, _sink);

        public Rendered Check()
        {
            Dispose();
            var rendered = new Rendered(_eve.ToArray(), _flows.ToArray(), File.ReadAllBytes(_tsvPath));
            CheckOutputs(rendered.Eve, rendered.FlowsJson, rendered.FlowsTsv);
            return rendered;
        }

        public void Dispose()
        {
            if (!_closed)
            {
                _closed = true;
                _sink.Dispose();
            }
        }
    }
}
