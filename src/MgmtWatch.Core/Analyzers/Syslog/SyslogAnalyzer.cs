using System.Globalization;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Analyzers.Syslog;

/// <summary>
/// Syslog on UDP 514 (RFC 5426: one message per datagram) and TCP 514 (RFC 6587: octet-counted or
/// newline-framed, mixed within one stream): facility, severity, format and message count. Only the PRI
/// is read: message text can hold user names and passwords (failed logins typed into the name field),
/// so none of it reaches an output. TCP 514 is also rsh: a TCP stream is taken as syslog only when its
/// first message starts with a valid PRI, and left alone otherwise.
/// </summary>
public sealed class SyslogAnalyzer : IProtocolAnalyzer
{
    /// <summary>RFC 6587 §3.4.1 MSG-LEN: digits; more than 7 would announce messages over 10 MB, so it is not a count.</summary>
    private const int MaxCountDigits = 7;

    /// <summary>RFC 3164 §4.1.2 TIMESTAMP month abbreviations, three octets each.</summary>
    private static ReadOnlySpan<byte> MonthNames => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    private readonly FlowStates<State> _states = new();

    /// <inheritdoc/>
    public string Name => "syslog";

    /// <inheritdoc/>
    public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Udp, 514), new(IpProtocol.Tcp, 514)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet)
    {
        // Off port 514: a valid PRI followed by an RFC 5424 version and a timestamp digit or "-", or by an
        // RFC 3164 timestamp ("Mmm dd "). TCP may prefix an octet count. A bare "<n>" is too common to trust.
        var m = packet.Payload;
        if (packet.Protocol == IpProtocol.Tcp && m.Length > 0 && m[0] is >= (byte)'1' and <= (byte)'9')
        {
            var space = m[..Math.Min(m.Length, MaxCountDigits + 1)].IndexOf((byte)' ');
            if (space <= 0 || !AllDigits(m[..space]))
            {
                return false;
            }

            m = m[(space + 1)..];
        }

        if (SyslogPri.Parse(m[..Math.Min(m.Length, SyslogPri.PrefixLength)], true, out _, out var rfc5424) != SyslogPriResult.Valid)
        {
            return false;
        }

        var rest = m[(m.IndexOf((byte)'>') + 1)..];
        if (rfc5424)
        {
            return rest.Length > 2 && (rest[2] is >= (byte)'0' and <= (byte)'9' || rest[2] == (byte)'-');
        }

        if (rest.Length < 7 || rest[3] != (byte)' ' || rest[6] != (byte)' ')
        {
            return false;
        }

        for (var month = 0; month < MonthNames.Length; month += 3)
        {
            if (rest[..3].SequenceEqual(MonthNames.Slice(month, 3)))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = _states.Get(packet.Flow);
        if (packet.Protocol != IpProtocol.Tcp)
        {
            var payload = packet.Payload;
            var result = SyslogPri.Parse(payload[..Math.Min(payload.Length, SyslogPri.PrefixLength)], true, out var value, out var rfc5424);
            Record(packet, state, result, value, rfc5424, context);
            return;
        }

        var stream = packet.FromOriginator ? (state.ToServer ??= new TcpFraming()) : (state.ToClient ??= new TcpFraming());
        var data = stream.Cursor.Advance(packet.Sequence, packet.Payload, packet.PayloadLength, out var gap);
        if (gap && stream.Phase != Phase.Dead)
        {
            // Lost bytes: newline framing resynchronises at the next line feed; an octet count cannot.
            stream.Phase = stream.Phase is Phase.Body or Phase.Count ? Phase.Dead : Phase.SkipLine;
        }

        Feed(packet, state, stream, data, context);
    }

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var s = _states.Find(flow);
        if (s is not null && s.Messages > 0)
        {
            fields.Add(new("syslog.facility", Names(s.Facilities, SyslogPri.Facilities)));
            fields.Add(new("syslog.severity", Names(s.Severities, SyslogPri.Severities)));
            fields.Add(new("syslog.messages", s.Messages.ToString(CultureInfo.InvariantCulture)));
            fields.Add(new("syslog.format", s.Formats switch { 1 => "rfc3164", 2 => "rfc5424", _ => "rfc3164,rfc5424" }));
        }

        if (final)
        {
            _states.Release(flow);
        }
    }

    private static string Names(uint mask, string[] names)
    {
        var list = new List<string>();
        for (var i = 0; i < names.Length; i++)
        {
            if ((mask & (1u << i)) != 0)
            {
                list.Add(names[i]);
            }
        }

        return string.Join(',', list);
    }

    private static bool AllDigits(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return !s.IsEmpty;
    }

    /// <summary>Runs the RFC 6587 framing state machine over new stream bytes, classifying each message's PRI.</summary>
    private void Feed(scoped in AnalyzerPacket packet, State state, TcpFraming f, ReadOnlySpan<byte> data, AnalyzerContext context)
    {
        var i = 0;
        while (i < data.Length && f.Phase != Phase.Dead)
        {
            var b = data[i];
            switch (f.Phase)
            {
                case Phase.Start:
                    i++;
                    if (b is (byte)'\n' or (byte)'\r' or 0)
                    {
                        break; // trailers and blank lines between messages
                    }

                    f.PrefixLength = 0;
                    if (b is >= (byte)'1' and <= (byte)'9')
                    {
                        f.Phase = Phase.Count;
                        f.Count = b - '0';
                        f.CountDigits = 1;
                    }
                    else
                    {
                        f.Phase = Phase.Line;
                        f.Prefix[f.PrefixLength++] = b;
                        Classify(packet, state, f, false, context);
                    }

                    break;
                case Phase.Count:
                    i++;
                    if (b == (byte)' ' && f.Count > 0)
                    {
                        f.Phase = Phase.Body;
                    }
                    else if (b is >= (byte)'0' and <= (byte)'9' && f.CountDigits < MaxCountDigits)
                    {
                        f.Count = (f.Count * 10) + (b - '0');
                        f.CountDigits++;
                    }
                    else
                    {
                        if (f.Confirmed)
                        {
                            context.Anomaly(Name, SyslogAnomaly.BadFraming, packet);
                        }

                        f.Phase = Phase.Dead;
                    }

                    break;
                case Phase.Body:
                    var take = Math.Min(f.Count, data.Length - i);
                    for (var k = 0; k < take && !f.Decided && f.PrefixLength < f.Prefix.Length; k++)
                    {
                        f.Prefix[f.PrefixLength++] = data[i + k];
                        Classify(packet, state, f, k + 1 == f.Count, context); // complete when this octet ends the message
                    }

                    i += take;
                    f.Count -= take;
                    if (f.Count == 0)
                    {
                        if (!f.Decided)
                        {
                            Classify(packet, state, f, true, context);
                        }

                        NextMessage(f);
                    }

                    break;
                case Phase.Line:
                    i++;
                    if (b is (byte)'\n' or 0)
                    {
                        if (!f.Decided)
                        {
                            Classify(packet, state, f, true, context);
                        }

                        NextMessage(f);
                    }
                    else if (!f.Decided && f.PrefixLength < f.Prefix.Length)
                    {
                        f.Prefix[f.PrefixLength++] = b;
                        Classify(packet, state, f, false, context);
                    }

                    break;
                case Phase.SkipLine:
                    i++;
                    if (b is (byte)'\n' or 0)
                    {
                        NextMessage(f);
                    }

                    break;
            }
        }
    }

    private static void NextMessage(TcpFraming f)
    {
        f.Phase = f.Phase == Phase.Dead ? Phase.Dead : Phase.Start;
        f.Decided = false;
        f.PrefixLength = 0;
        f.Count = 0;
        f.CountDigits = 0;
    }

    /// <summary>Classifies the message once its PRI is decided; the first message of a stream decides whether it is syslog at all.</summary>
    private void Classify(scoped in AnalyzerPacket packet, State state, TcpFraming f, bool complete, AnalyzerContext context)
    {
        var result = SyslogPri.Parse(f.Prefix.AsSpan(0, f.PrefixLength), complete || f.PrefixLength == f.Prefix.Length, out var value, out var rfc5424);
        if (result == SyslogPriResult.Incomplete)
        {
            return;
        }

        f.Decided = true;
        if (!f.Confirmed && result != SyslogPriResult.Valid)
        {
            f.Phase = Phase.Dead; // not syslog (rsh shares TCP 514): leave the stream alone, silently
            return;
        }

        f.Confirmed = true;
        Record(packet, state, result, value, rfc5424, context);
    }

    private void Record(scoped in AnalyzerPacket packet, State state, SyslogPriResult result, int value, bool rfc5424, AnalyzerContext context)
    {
        if (result != SyslogPriResult.Valid)
        {
            context.Anomaly(Name, result == SyslogPriResult.Missing ? SyslogAnomaly.MissingPri : SyslogAnomaly.BadPri, packet);
            return;
        }

        context.Confirm(packet);
        state.Messages++;
        state.Facilities |= 1u << (value >> 3);
        state.Severities |= 1u << (value & 7);
        state.Formats |= (byte)(rfc5424 ? 2 : 1);
    }

    private enum Phase : byte
    {
        Start,
        Count,
        Body,
        Line,
        SkipLine,
        Dead,
    }

    /// <summary>One direction of a TCP syslog stream.</summary>
    private sealed class TcpFraming
    {
        public readonly TcpSegmentCursor Cursor = new();
        public readonly byte[] Prefix = new byte[SyslogPri.PrefixLength];
        public int PrefixLength;
        public Phase Phase;
        public int Count;
        public int CountDigits;
        public bool Decided;
        public bool Confirmed;
    }

    private sealed class State : IResettable
    {
        public int Messages;
        public uint Facilities;
        public uint Severities;
        public byte Formats;
        public TcpFraming? ToServer;
        public TcpFraming? ToClient;

        public void Reset()
        {
            Messages = 0;
            Facilities = Severities = 0;
            Formats = 0;
            ToServer = ToClient = null;
        }
    }
}
