namespace MgmtWatch.Core.Output;

/// <summary>Writes EVE <c>alert</c> events (Suricata output-json-alert.c layout plus a <c>mgmtwatch</c> object).</summary>
public static class AlertEventWriter
{
    /// <summary>Writes one alert event as a complete JSON object.</summary>
    public static void Write(JsonLinesWriter output, AlertEvent a)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(a);
        var w = output.Begin();
        w.WriteStartObject();
        Span<byte> community = stackalloc byte[64];
        var communityLength = a.CommunityId is null ? 0 : System.Text.Encoding.ASCII.GetBytes(a.CommunityId, community);
        var header = new EveHeader.Fields
        {
            Time = a.Timestamp,
            FlowId = a.FlowId,
            Interface = a.Interface,
            PacketNumber = a.PacketNumber,
            PcapFilename = a.PcapFilename,
            EventType = "alert",
            HasAddresses = true,
            HasPorts = a.SourcePort is not null && a.DestinationPort is not null,
            Source = a.Source,
            Destination = a.Destination,
            SourcePort = a.SourcePort ?? 0,
            DestinationPort = a.DestinationPort ?? 0,
            Protocol = a.Protocol,
            IpVersion = a.IpVersion,
            FromPacket = a.PacketNumber is not null,
            CommunityId = community[..communityLength],
            AppProto = a.AppProto,
        };
        EveHeader.Write(output, header);

        w.WriteStartObject("alert");
        w.WriteString("action", "allowed");
        w.WriteNumber("gid", 1);
        w.WriteNumber("signature_id", a.SignatureId);
        w.WriteNumber("rev", a.Revision);
        w.WriteString("signature", a.Signature);
        w.WriteString("category", a.Category);
        w.WriteNumber("severity", a.Severity);
        if (a.Metadata is { Count: > 0 })
        {
            w.WriteStartObject("metadata");
            foreach (var (key, values) in a.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteStartArray(key);
                foreach (var v in values)
                {
                    w.WriteStringValue(v);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();

        if (a.Flow is { } flow)
        {
            Span<byte> buffer = stackalloc byte[64];
            w.WriteStartObject("flow");
            w.WriteNumber("pkts_toserver", flow.PacketsToServer);
            w.WriteNumber("pkts_toclient", flow.PacketsToClient);
            w.WriteNumber("bytes_toserver", flow.BytesToServer);
            w.WriteNumber("bytes_toclient", flow.BytesToClient);
            w.WritePropertyName("start");
            w.WriteStringValue(buffer[..PacketTime.WriteEve(flow.Start, buffer)]);
            w.WriteEndObject();
        }

        w.WriteStartObject("mgmtwatch");
        if (a.Description is not null)
        {
            w.WriteString("description", a.Description);
        }

        if (a.Score is { } score)
        {
            ScoreNumber.Write(w, ScoreNumber.ScoreName, score);
        }

        if (a.Threshold is { } threshold)
        {
            ScoreNumber.Write(w, ScoreNumber.ThresholdName, threshold);
        }

        if (a.ModelId is not null)
        {
            w.WriteString("model_id", a.ModelId);
        }

        if (a.Uid is not null)
        {
            w.WriteString("uid", a.Uid);
        }

        if (a.Evidence is { Count: > 0 })
        {
            w.WriteStartObject("evidence");
            foreach (var (name, value) in a.Evidence)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }
}
