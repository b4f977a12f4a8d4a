using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Analyzers.Dns;

/// <summary>
/// DNS on UDP and TCP 53 (RFC 1035, RFC 7766 for TCP framing): query name, type, response code, answer
/// count and the shape of the longest label, with a structural check of every record. Raises
/// <see cref="Signatures.DnsTunnelling"/> when one host sends many distinct suspicious queries (long or
/// high-entropy labels, TXT/NULL/CNAME/MX types) under one registrable domain.
/// </summary>
public sealed class DnsAnalyzer : IProtocolAnalyzer
{
    /// <summary>Query names in the flow record are cut to this many characters (a name has at most 255 octets).</summary>
    public const int MaxQueryChars = 255;

    /// <summary>(host, domain) pairs followed for tunnelling at once.</summary>
    private const int MaxTunnelKeys = 16_384;

    /// <summary>Labels shorter than this are not judged by entropy: too few characters to mean anything.</summary>
    private const int MinEntropyLabel = 16;

    /// <summary>
    /// Bytes of a TCP message kept for parsing: a header and question always fit (12 + 255 + 4); a longer
    /// message (a zone transfer) is parsed as far as this and treated as cut by the capture.
    /// </summary>
    private const int TcpMessagePrefix = 1024;

    private readonly FlowStates<State> _states = new();
    private WindowedDistinctCounter<(HostAddress Host, ulong Domain), ulong>? _tunnels;

    /// <inheritdoc/>
    public string Name => "dns";

    /// <inheritdoc/>
    public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Udp, 53), new(IpProtocol.Tcp, 53)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet)
    {
        // Off port 53 only a textbook query is taken: QUERY opcode, one question of class IN whose labels
        // are letters, digits, '-' or '_', nothing else but an optional EDNS OPT record, and the message
        // ends exactly there. Twelve random bytes would otherwise pass for a header.
        var m = packet.Payload;
        if (packet.Protocol != IpProtocol.Udp || packet.Truncated || m.Length < DnsParser.HeaderLength + 5)
        {
            return false;
        }

        if ((m[2] & 0xF8) != 0 || (m[3] & 0x70) != 0 || m[4] != 0 || m[5] != 1 || m[6] != 0 || m[7] != 0 || m[8] != 0 || m[9] != 0
            || m[10] != 0 || m[11] > 1)
        {
            return false;
        }

        var p = DnsParser.HeaderLength;
        var labels = 0;
        while (p < m.Length && m[p] != 0)
        {
            int length = m[p];
            if (length > 63 || p + 1 + length >= m.Length)
            {
                return false;
            }

            foreach (var c in m.Slice(p + 1, length))
            {
                if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'-' or (byte)'_'))
                {
                    return false;
                }
            }

            labels++;
            p += 1 + length;
        }

        // QTYPE any, QCLASS IN (1); then nothing, or a root-owned OPT record (RFC 6891 §6.1.2).
        if (labels == 0 || p + 5 > m.Length || m[p + 3] != 0 || m[p + 4] != 1)
        {
            return false;
        }

        var end = p + 5;
        return m[11] == 0
            ? end == m.Length
            : end + 11 <= m.Length && m[end] == 0 && m[end + 1] == 0 && m[end + 2] == 41 && end + 11 + ((m[end + 9] << 8) | m[end + 10]) == m.Length;
    }

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (packet.Protocol != IpProtocol.Tcp)
        {
            InspectMessage(packet, packet.Payload, packet.PayloadLength, context);
            return;
        }

        var state = _states.Get(packet.Flow);
        var stream = packet.FromOriginator ? (state.ToServer ??= new TcpMessages()) : (state.ToClient ??= new TcpMessages());
        var data = stream.Cursor.Advance(packet.Sequence, packet.Payload, packet.PayloadLength, out var gap);
        if (gap)
        {
            stream.Lost = true; // a length-prefixed stream cannot be resynchronised after lost bytes
        }

        while (!data.IsEmpty && !stream.Lost)
        {
            if (stream.Remaining == 0)
            {
                stream.Length = (stream.Length << 8) | data[0];
                data = data[1..];
                if (++stream.LengthOctets < 2)
                {
                    continue;
                }

                stream.Remaining = stream.Length;
                stream.Expected = stream.Length;
                stream.Collected = 0;
                stream.Length = 0;
                stream.LengthOctets = 0;
                if (stream.Remaining < DnsParser.HeaderLength)
                {
                    context.Anomaly(Name, DnsAnomaly.TcpLengthTooShort, packet);
                }

                continue;
            }

            var take = Math.Min(stream.Remaining, data.Length);
            var keep = Math.Min(take, stream.Prefix.Length - stream.Collected);
            data[..keep].CopyTo(stream.Prefix.AsSpan(stream.Collected));
            stream.Collected += keep;
            stream.Remaining -= take;
            data = data[take..];
            if (stream.Remaining == 0 && stream.Expected >= DnsParser.HeaderLength)
            {
                InspectMessage(packet, stream.Prefix.AsSpan(0, stream.Collected), stream.Expected, context);
            }
        }
    }

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var s = _states.Find(flow);
        if (s is not null && (s.Queries > 0 || s.Responses > 0))
        {
            if (s.Query is not null)
            {
                fields.Add(new("dns.query", s.Query));
                fields.Add(new("dns.qtype", DnsNames.TypeName(s.QueryType)));
                fields.Add(new("dns.labels", s.Labels.ToString(CultureInfo.InvariantCulture)));
                fields.Add(new("dns.max_label_len", s.MaxLabel.ToString(CultureInfo.InvariantCulture)));
                fields.Add(new("dns.label_entropy", s.Entropy.ToString("F2", CultureInfo.InvariantCulture)));
            }

            fields.Add(new("dns.queries", s.Queries.ToString(CultureInfo.InvariantCulture)));
            fields.Add(new("dns.responses", s.Responses.ToString(CultureInfo.InvariantCulture)));
            if (s.Responses > 0)
            {
                fields.Add(new("dns.rcode", DnsNames.RcodeName(s.Rcode)));
                fields.Add(new("dns.answers", s.Answers.ToString(CultureInfo.InvariantCulture)));
            }
        }

        if (final)
        {
            _states.Release(flow);
        }
    }

    private void InspectMessage(scoped in AnalyzerPacket packet, ReadOnlySpan<byte> message, int wireLength, AnalyzerContext context)
    {
        Span<byte> name = stackalloc byte[DnsParser.NameBufferLength];
        var violation = DnsParser.Parse(message, wireLength, name, out var m);
        if (violation is not null)
        {
            context.Anomaly(Name, violation, packet);
        }

        if (!m.HasQuestion && (violation is not null || !m.HasHeader || m.CaptureTruncated))
        {
            return; // not recognisably DNS: a header alone is twelve arbitrary bytes
        }

        context.Confirm(packet);
        var state = _states.Get(packet.Flow);
        var labels = name[..m.NameLength];
        var longest = DnsNames.Label(labels, m.LongestLabel);
        var entropy = DnsNames.Entropy(longest);
        if (m.IsResponse)
        {
            state.Responses++;
            state.Rcode = m.Rcode;
            state.Answers = m.Answers;
        }
        else
        {
            state.Queries++;
        }

        if (!m.HasQuestion)
        {
            return;
        }

        if (state.Query is null)
        {
            state.Query = DnsNames.Format(labels, MaxQueryChars);
            state.QueryType = m.QueryType;
            state.Labels = m.Labels;
        }

        if (longest.Length > state.MaxLabel || (longest.Length == state.MaxLabel && entropy > state.Entropy))
        {
            state.MaxLabel = longest.Length;
            state.Entropy = entropy;
        }

        if (!m.IsResponse && m.Opcode == 0)
        {
            CheckTunnelling(packet, labels, longest.Length, entropy, m.QueryType, context);
        }
    }

    /// <summary>9105001: distinct suspicious query names from one host under one registrable domain within the window.</summary>
    private void CheckTunnelling(scoped in AnalyzerPacket packet, ReadOnlySpan<byte> labels, int longest, double entropy, ushort type,
        AnalyzerContext context)
    {
        var signature = Signatures.DnsTunnelling;
        var settings = context.Settings;
        var longLabel = longest >= settings[signature.Thresholds[1]];
        var highEntropy = longest >= MinEntropyLabel && entropy >= settings[signature.Thresholds[2]];
        var oddType = type is 5 or 10 or 15 or 16; // CNAME, NULL, MX, TXT: the types tunnels carry data in
        if (!longLabel && !highEntropy && !oddType)
        {
            return;
        }

        var threshold = settings[signature.Thresholds[0]];
        _tunnels ??= new WindowedDistinctCounter<(HostAddress, ulong), ulong>(MaxTunnelKeys, (int)Math.Clamp(threshold, 16, 1024));
        var domain = labels[DnsNames.RegistrableDomainStart(labels)..];
        var key = (packet.Source, DnsNames.Hash(domain));
        var distinct = _tunnels.Add(key, DnsNames.Hash(labels), packet.Timestamp, settings.Nanoseconds(signature.Thresholds[3]));
        if (distinct < threshold || !_tunnels.TryOpenIncident(key))
        {
            return;
        }

        var domainText = DnsNames.Format(domain, MaxQueryChars);
        var seconds = settings[signature.Thresholds[3]].ToString(CultureInfo.InvariantCulture);
        context.Alert(signature, packet,
            string.Create(CultureInfo.InvariantCulture,
                $"{packet.Source} sent {distinct} distinct suspicious DNS queries under {domainText} within {seconds} s (long or high-entropy labels, or TXT/NULL/CNAME/MX types): data may be tunnelled through DNS"),
            [
                new("dns.domain", domainText),
                new("dns.suspicious_queries", distinct.ToString(CultureInfo.InvariantCulture)),
                new("dns.qtype", DnsNames.TypeName(type)),
                new("dns.max_label_len", longest.ToString(CultureInfo.InvariantCulture)),
                new("dns.label_entropy", entropy.ToString("F2", CultureInfo.InvariantCulture)),
                new("dns.query", DnsNames.Format(labels, MaxQueryChars)),
            ],
            incidentKey: domainText);
    }

    /// <summary>One direction of a DNS-over-TCP stream: 2-octet length prefix, then the message (RFC 1035 §4.2.2).</summary>
    private sealed class TcpMessages
    {
        public readonly TcpSegmentCursor Cursor = new();
        public readonly byte[] Prefix = new byte[TcpMessagePrefix];
        public int Length;
        public int LengthOctets;
        public int Remaining;
        public int Expected;
        public int Collected;
        public bool Lost;
    }

    private sealed class State : IResettable
    {
        public int Queries;
        public int Responses;
        public string? Query;
        public ushort QueryType;
        public int Labels;
        public int MaxLabel;
        public double Entropy;
        public byte Rcode;
        public int Answers;
        public TcpMessages? ToServer;
        public TcpMessages? ToClient;

        public void Reset()
        {
            Queries = Responses = 0;
            Query = null;
            QueryType = 0;
            Labels = MaxLabel = 0;
            Entropy = 0;
            Rcode = 0;
            Answers = 0;
            ToServer = null;
            ToClient = null;
        }
    }
}
