namespace MgmtWatch.Core.Output;

/// <summary>Writes EVE <c>anomaly</c> events (Suricata output-json-anomaly.c layout).</summary>
public static class AnomalyEventWriter
{
    /// <summary>Writes one anomaly event as a complete JSON object.</summary>
    public static void Write(JsonLinesWriter output, AnomalyEvent e)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(e);
        var w = output.Begin();
        w.WriteStartObject();
        var header = new EveHeader.Fields
        {
            Time = e.Timestamp,
            FlowId = e.FlowId,
            Interface = e.Interface,
            PacketNumber = e.PacketNumber,
            PcapFilename = e.PcapFilename,
            EventType = "anomaly",
            HasAddresses = e.HasAddresses,
            HasPorts = e.HasPorts,
            Source = e.Source,
            Destination = e.Destination,
            SourcePort = e.SourcePort,
            DestinationPort = e.DestinationPort,
            Protocol = e.Protocol,
            IpVersion = e.IpVersion,
            FromPacket = true,
            AppProto = e.AppProto,
        };
        EveHeader.Write(output, header);
        w.WriteStartObject("anomaly");
        w.WriteString("type", e.Type);
        w.WriteString("event", e.Event);
        if (e.Layer is not null)
        {
            w.WriteString("layer", e.Layer);
        }

        if (e.AppProto is not null)
        {
            w.WriteString("app_proto", e.AppProto);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }
}
