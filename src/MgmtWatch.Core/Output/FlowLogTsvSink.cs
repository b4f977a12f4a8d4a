using System.Buffers.Text;
using System.Text;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Output;

/// <summary>
/// Writes flows as a Zeek ASCII (TSV) conn.log with Zeek's exact header lines, so zeek-cut and other Zeek
/// tooling read it. <c>#open</c> and <c>#close</c> carry packet time (first and last record), not the wall
/// clock, so re-reading a capture gives a byte-identical file.
/// </summary>
public sealed class FlowLogTsvSink : IEventSink
{
    private static readonly string[] FieldNames =
    [
        "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration",
        "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes", "history",
        "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents", "ip_proto", "community_id",
        "mgmtwatch.flow_id", "mgmtwatch.score", "mgmtwatch.model_id", "mgmtwatch.alerted", "mgmtwatch.fields",
    ];

    private static readonly string[] FieldTypes =
    [
        "time", "string", "addr", "port", "addr", "port", "enum", "string", "interval",
        "count", "count", "string", "bool", "bool", "count", "string",
        "count", "count", "count", "count", "set[string]", "count", "string",
        "count", "double", "string", "bool", "vector[string]",
    ];

    /// <summary>Every column but the analyzer fields fits in this many bytes (addresses, numbers, fixed names).</summary>
    private const int FixedColumnsMax = 1024;

    private readonly JsonLinesWriter _out;
    private byte[] _line = new byte[4096];
    private long _lastTime = long.MinValue;
    private bool _headerWritten;

    /// <summary>Writes to <paramref name="path"/> ("-" for standard output).</summary>
    public FlowLogTsvSink(string path) => _out = new JsonLinesWriter(path);

    /// <inheritdoc/>
    public void Emit(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (!_headerWritten)
        {
            WriteHeader(flow.Start);
        }

        _lastTime = Math.Max(_lastTime, flow.End);
        var line = _line.AsSpan();
        var n = 0;

        // Zeek's ASCII writer (threading/formatters/Ascii.cc) escapes every string so that no value can add
        // a column or a row: ZeekString below. Addresses, numbers and the fixed names need no escaping.
        n += PacketTime.WriteSeconds(flow.Start, line[n..]);
        Tab(line, ref n);
        n += Append(line[n..], flow.UidUtf8);
        Tab(line, ref n);
        n += flow.OrigHost.FormatUtf8(line[n..]);
        Tab(line, ref n);
        n += Number(line[n..], flow.OrigPort);
        Tab(line, ref n);
        n += flow.RespHost.FormatUtf8(line[n..]);
        Tab(line, ref n);
        n += Number(line[n..], flow.RespPort);
        Tab(line, ref n);
        n += Text(line[n..], IpProtocol.ZeekName(flow.Protocol));
        Tab(line, ref n);
        n += ZeekString(line[n..], flow.Service, inContainer: false);
        Tab(line, ref n);
        var duration = flow.End - flow.Start;
        if (duration > 0)
        {
            n += PacketTime.WriteSeconds(duration, line[n..]);
            Tab(line, ref n);
            n += Number(line[n..], flow.OrigBytes);
            Tab(line, ref n);
            n += Number(line[n..], flow.RespBytes);
        }
        else
        {
            n += Text(line[n..], "-\t-\t-");
        }

        Tab(line, ref n);
        n += Text(line[n..], flow.ConnState);
        Tab(line, ref n);
        n += Text(line[n..], "-\t-");
        Tab(line, ref n);
        n += Number(line[n..], flow.MissedBytes);
        Tab(line, ref n);
        n += flow.HistoryUtf8.Length > 0 ? Append(line[n..], flow.HistoryUtf8) : Text(line[n..], "-");
        Tab(line, ref n);
        n += Number(line[n..], flow.OrigPackets);
        Tab(line, ref n);
        n += Number(line[n..], flow.OrigIpBytes);
        Tab(line, ref n);
        n += Number(line[n..], flow.RespPackets);
        Tab(line, ref n);
        n += Number(line[n..], flow.RespIpBytes);
        Tab(line, ref n);
        n += Text(line[n..], "-");
        Tab(line, ref n);
        n += Number(line[n..], flow.Protocol);
        Tab(line, ref n);
        n += Append(line[n..], flow.CommunityIdUtf8);
        Tab(line, ref n);
        n += Number(line[n..], flow.FlowId);
        Tab(line, ref n);
        if (flow.Score is { } score and >= 0 and < 1e12)
        {
            n += ScoreNumber.Format(score, line[n..]); // fixed point, as Zeek writes a double
        }
        else
        {
            n += Text(line[n..], "-");
        }

        Tab(line, ref n);
        n += ZeekString(line[n..], flow.ModelId is null ? null : WireText.Sanitize(flow.ModelId, 256), inContainer: false);
        Tab(line, ref n);
        n += Text(line[n..], flow.Alerted ? "T" : "F");
        Tab(line, ref n);
        n += Fields(ref line, n, flow.Fields);
        _out.WriteLine(line[..n]);
    }

    private void WriteHeader(long firstTime)
    {
        _headerWritten = true;
        _out.WriteLine("#separator \\x09"u8);
        _out.WriteLine("#set_separator\t,"u8);
        _out.WriteLine("#empty_field\t(empty)"u8);
        _out.WriteLine("#unset_field\t-"u8);
        _out.WriteLine("#path\tconn"u8);
        _out.WriteLine(Encoding.ASCII.GetBytes("#open\t" + ZeekDate(firstTime)));
        _out.WriteLine(Encoding.ASCII.GetBytes("#fields\t" + string.Join('\t', FieldNames)));
        _out.WriteLine(Encoding.ASCII.GetBytes("#types\t" + string.Join('\t', FieldTypes)));
    }

    private static string ZeekDate(long ns) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).UtcDateTime.ToString("yyyy-MM-dd-HH-mm-ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The analyzer fields as one Zeek <c>vector[string]</c> of <c>name=value</c> elements joined by the set
    /// separator, or the unset field when there are none. Grows the line buffer as needed: each value is
    /// at most <see cref="WireText.MaxFieldChars"/> characters (the pipeline cuts longer ones), but a flow
    /// may have a dozen.
    /// </summary>
    private int Fields(ref Span<byte> line, int n, List<KeyValuePair<string, string>> fields)
    {
        if (fields.Count == 0)
        {
            return Text(line[n..], "-");
        }

        var start = n;
        for (var i = 0; i < fields.Count; i++)
        {
            var (name, value) = fields[i];

            // Escaping makes a byte at most four ("\xHH"); a UTF-16 character is at most three UTF-8 bytes.
            var worst = 1 + (12 * (name.Length + 1 + value.Length));
            if (line.Length - n < worst)
            {
                Array.Resize(ref _line, Math.Max(_line.Length * 2, n + worst + FixedColumnsMax));
                line = _line.AsSpan();
            }

            if (i > 0)
            {
                line[n++] = (byte)',';
            }

            n += ZeekString(line[n..], name + "=" + value, inContainer: true);
        }

        return n - start;
    }

    /// <summary>
    /// Writes <paramref name="value"/> as Zeek's ASCII writer does: unset as <c>-</c>, empty as <c>(empty)</c>,
    /// a value that would read as either with its first character escaped, and every byte of its UTF-8 that
    /// is not printable ASCII (the tab separator among them) as <c>\xHH</c>; inside a set or vector the set
    /// separator <c>,</c> too. Returns the bytes written.
    /// </summary>
    internal static int ZeekString(Span<byte> d, string? value, bool inContainer)
    {
        if (value is null)
        {
            d[0] = (byte)'-';
            return 1;
        }

        if (value.Length == 0)
        {
            return Text(d, "(empty)");
        }

        var n = 0;
        var escapeFirst = value is "-" or "(empty)";
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            int count;
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                count = Encoding.UTF8.GetBytes(value.AsSpan(i, 2), utf8);
                i++;
            }
            else
            {
                count = Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8); // a lone surrogate becomes U+FFFD
            }

            for (var j = 0; j < count; j++)
            {
                var b = utf8[j];
                if (b is < 0x20 or > 0x7E || (inContainer && b == (byte)',') || (escapeFirst && n == 0))
                {
                    const string Hex = "0123456789abcdef";
                    d[n++] = (byte)'\\';
                    d[n++] = (byte)'x';
                    d[n++] = (byte)Hex[b >> 4];
                    d[n++] = (byte)Hex[b & 0xF];
                }
                else
                {
                    d[n++] = b;
                }
            }
        }

        return n;
    }

    private static void Tab(Span<byte> line, ref int n) => line[n++] = (byte)'\t';

    private static int Append(Span<byte> d, ReadOnlySpan<byte> s)
    {
        s.CopyTo(d);
        return s.Length;
    }

    private static int Text(Span<byte> d, string s) => Encoding.UTF8.GetBytes(s, d);

    private static int Number(Span<byte> d, ulong v)
    {
        Utf8Formatter.TryFormat(v, d, out var w);
        return w;
    }

    /// <inheritdoc/>
    public void Emit(AnomalyEvent anomaly)
    {
    }

    /// <inheritdoc/>
    public void Emit(AlertEvent alert)
    {
    }

    /// <inheritdoc/>
    public void Emit(StatsEvent stats)
    {
    }

    /// <inheritdoc/>
    public void Flush() => _out.Flush();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_headerWritten)
        {
            _out.WriteLine(Encoding.ASCII.GetBytes("#close\t" + ZeekDate(_lastTime)));
        }

        _out.Dispose();
    }
}
