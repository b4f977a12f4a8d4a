using System.Text.Json;

namespace MgmtWatch.Core.Output;

/// <summary>Writes EVE <c>stats</c> events (Suricata output-json-stats.c layout, the counters MgmtWatch has).</summary>
public static class StatsEventWriter
{
    /// <summary>Writes one stats event as a complete JSON object.</summary>
    public static void Write(Utf8JsonWriter w, StatsEvent s)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(s);
        w.WriteStartObject();
        Span<byte> buffer = stackalloc byte[64];
        w.WritePropertyName(EveHeader.Timestamp);
        w.WriteStringValue(buffer[..PacketTime.WriteEve(s.Timestamp, buffer)]);
        w.WriteString("event_type"u8, "stats"u8);
        w.WriteStartObject("stats");
        w.WriteNumber("uptime", s.Uptime);
        w.WriteStartObject("capture");
        w.WriteNumber("kernel_packets", s.KernelPackets);
        w.WriteNumber("kernel_drops", s.KernelDrops);
        w.WriteNumber("kernel_ifdrops", s.KernelIfDrops);
        w.WriteNumber("pipeline_drops", s.PipelineDrops);
        w.WriteEndObject();
        w.WriteStartObject("flow");
        w.WriteNumber("active", s.FlowsActive);
        w.WriteNumber("total", s.FlowsTotal);
        w.WriteEndObject();
        w.WriteStartObject("detect");
        w.WriteNumber("alert", s.Alerts);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
