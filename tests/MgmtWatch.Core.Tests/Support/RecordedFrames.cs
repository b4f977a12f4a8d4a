using MgmtWatch.Core.Capture;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Every packet of a capture file held in memory (metadata and a copy of the bytes), for tests that feed packets one by one.</summary>
public static class RecordedFrames
{
    public static IReadOnlyList<(PacketInfo Info, byte[] Data)> Load(string path)
    {
        using var source = new CaptureFileSet([path], MergeOrder.Time);
        var frames = new List<(PacketInfo, byte[])>();
        while (source.MoveNext())
        {
            frames.Add((source.Current, source.Data.ToArray()));
        }

        Assert.Empty(source.Errors);
        return frames;
    }

    /// <summary>The repository's four recordings (IPMI, SNMP, TLS, SSH), one after another.</summary>
    public static IReadOnlyList<(PacketInfo Info, byte[] Data)> Repository() =>
        [.. new[] { "ipmi-sim-sessions.pcap", "snmpd-loopback.pcap", "tls-openssl.pcap", "ssh-openssh.pcap" }
            .SelectMany(name => Load(Path.Combine(RepoPaths.Pcaps, name)))];

    /// <summary>The same packet metadata for other bytes (a frame derived from a recorded one).</summary>
    public static PacketInfo For(PacketInfo info, byte[] data)
    {
        info.CaptureLength = data.Length;
        info.WireLength = data.Length;
        return info;
    }
}
