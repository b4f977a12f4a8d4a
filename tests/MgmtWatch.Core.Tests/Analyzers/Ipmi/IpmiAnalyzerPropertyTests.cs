using System.Reflection;
using FsCheck.Xunit;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Analyzers.Ipmi;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;
using static MgmtWatch.Core.Tests.Support.RmcpPackets;

namespace MgmtWatch.Core.Tests.Analyzers.Ipmi;

/// <summary>
/// Hostile bytes through the real pipeline: real RMCP payloads (the ipmi_sim recording) and crafted set-up
/// messages, with bytes flipped, cut short and length fields made absurd, never make the analyzer throw,
/// and every anomaly it reports is one of the documented names.
/// </summary>
public class IpmiAnalyzerPropertyTests
{
    private static readonly Lazy<byte[][]> Seeds = new(() =>
    {
        var seeds = new List<byte[]>
        {
            AsfPing(), AsfPong(), Asf(0x10), CapsRequest(), CapsResponse(),
            OpenSessionRequest(1), OpenSessionResponse(1, 2), Rakp1(2, "ADMIN"), Rakp2(1), Rakp3(2), Rakp4(1),
            V20(0xC0, 2, new byte[32]), V20(0x40, 2, LanRequest(0x06, 0x47, [1, 2, 3])), V20(0x01, 2, new byte[8]),
            V15(0x04, 5, LanRequest(0x06, 0x3B, [4])),
        };
        using var source = new CaptureFileSet([Path.Combine(RepoPaths.Pcaps, "ipmi-sim-sessions.pcap")], MergeOrder.Time);
        var decoder = new PacketDecoder();
        while (source.MoveNext())
        {
            var p = default(DecodedPacket);
            decoder.Decode(source.Current, source.Data, ref p);
            if (p.Payload.Length > 0)
            {
                seeds.Add(p.Payload.ToArray());
            }
        }

        return [.. seeds];
    });

    private static readonly HashSet<string> Documented =
    [
        .. typeof(IpmiAnomalies).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!),
    ];

    private static bool RunsCleanly(PcapBuilder b)
    {
        // Only the IPMI analyzer, so that every anomaly is its own: a mutated 48-byte payload on port 9623 can
        // pass for an NTP header, and NTP's content detection then claims the flow (found by this property).
        var (events, _) = Analyze.Capture(b, new PipelineOptions { Analyzers = () => new AnalyzerRegistry([new IpmiAnalyzer()]) });
        return events.Anomalies.All(a => a.Layer is not null || Documented.Contains(a.Event));
    }

    [Property(MaxTest = 300)]
    public bool MutatedRmcpPayloadsNeverThrow(int seed, byte[] flips, byte cut, bool absurdLengths)
    {
        var seeds = Seeds.Value;
        var b = new PcapBuilder();
        var t = 0.0;
        for (var n = 0; n < 10; n++)
        {
            var payload = (byte[])seeds[(int)((uint)(seed + (n * 7)) % (uint)seeds.Length)].Clone();
            for (var i = 0; i + 1 < flips.Length; i += 2)
            {
                payload[flips[i] % payload.Length] = flips[i + 1];
            }

            if (absurdLengths)
            {
                // The length fields of the v1.5 wrapper (13), RMCP+ header (14–15), ASF (11) and RAKP1 (43).
                foreach (var at in new[] { 11, 13, 14, 15, 43 })
                {
                    if (at < payload.Length)
                    {
                        payload[at] = 0xFF;
                    }
                }
            }

            if (cut > 0 && cut < payload.Length)
            {
                payload = payload[..^(cut % payload.Length)];
            }

            var port = (ushort)(n % 3 == 0 ? 9623 : 623);
            var frame = n % 2 == 0
                ? Frames.Udp("10.0.0.1", 40000, "10.0.0.2", port, payload)
                : Frames.Udp("10.0.0.2", port, "10.0.0.1", 40000, payload);
            b.Add(t += 0.4, frame);
        }

        return RunsCleanly(b);
    }

    [Property(MaxTest = 200)]
    public bool RandomDatagramsOnPort623NeverThrow(byte[][] datagrams)
    {
        var b = new PcapBuilder();
        var t = 0.0;
        foreach (var d in datagrams.Take(20))
        {
            var payload = d ?? [];
            if (payload.Length >= 4 && (payload[0] & 1) == 0)
            {
                // Half of them start like RMCP so that parsing gets past the header.
                payload[0] = 0x06;
                payload[1] = 0x00;
                payload[3] = (byte)(0x06 + (payload[3] % 3));
            }

            b.Add(t += 3, Frames.Udp("10.0.0.1", 40000, "10.0.0.2", 623, payload));
        }

        return RunsCleanly(b);
    }
}
