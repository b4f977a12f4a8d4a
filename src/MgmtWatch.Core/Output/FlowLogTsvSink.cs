using System.Buffers.Text;
using System.Text;
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
        "mgmtwatch.flow_id", "mgmtwatch.score", "mgmtwatch.model_id", "mgmtwatch.alerted",
    ];

    private static readonly string[] FieldTypes =
    [
        "time", "string", "addr", "port", "addr", "port", "enum", "string", "interval",
        "count", "count", "string", "bool", "bool", "count", "string",
        "count", "count", "count", "count", "set[string]", "count", "string",
        "count", "double", "string", "bool",
    ];

    private readonly JsonLinesWriter _out;
    private readonly byte[] _line = new byte[4096];
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
        n += Text(line[n..], flow.Service ?? "-");
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
        if (flow.Score is { } score)
        {
            Utf8Formatter.TryFormat(Math.Round(score, 6), line[n..], out var w);
            n += w;
        }
        else
        {
            n += Text(line[n..], "-");
        }

        Tab(line, ref n);
        n += Text(line[n..], flow.ModelId is null ? "-" : Sanitize(flow.ModelId));
        Tab(line, ref n);
        n += Text(line[n..], flow.Alerted ? "T" : "F");
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

    private static string Sanitize(string s) => s.Replace('\t', ' ').Replace('\n', ' ');

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
