using MgmtWatch.Core.Capture;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Synthesises captures from frames with fixed timestamps (ns since the epoch).</summary>
public sealed class PcapBuilder
{
    /// <summary>2026-03-01T12:00:00Z, the reference time of test captures.</summary>
    public const long T0 = 1_772_366_400_000_000_000;

    private readonly List<(long Time, byte[] Frame, int Wire)> _packets = [];

    public PcapBuilder(LinkType linkType = LinkType.Ethernet) => LinkType = linkType;

    public LinkType LinkType { get; }

    public IReadOnlyList<(long Time, byte[] Frame, int Wire)> Packets => _packets;

    /// <summary>Adds a frame at <paramref name="seconds"/> after <see cref="T0"/>.</summary>
    public PcapBuilder Add(double seconds, byte[] frame, int wireLength = -1)
    {
        _packets.Add((T0 + (long)Math.Round(seconds * 1e9), frame, wireLength < 0 ? frame.Length : wireLength));
        return this;
    }

    /// <summary>Classic pcap bytes, optionally nanosecond and/or big-endian.</summary>
    public byte[] ToPcap(bool nanoseconds = false, bool bigEndian = false)
    {
        using var ms = new MemoryStream();
        using (var w = new PcapFileWriter(ms, LinkType, nanoseconds))
        {
            foreach (var (time, frame, wire) in _packets)
            {
                w.Write(time, frame, wire);
            }
        }

        var bytes = ms.ToArray();
        return bigEndian ? SwapPcapByteOrder(bytes) : bytes;
    }

    /// <summary>pcapng bytes: one section, one interface with the given resolution exponent (10^-n seconds).</summary>
    public byte[] ToPcapNg(int resolutionExponent = 6, bool bigEndian = false)
    {
        var ng = new PcapNgWriter(bigEndian);
        ng.SectionHeader();
        ng.Interface(LinkType, resolutionExponent);
        foreach (var (time, frame, wire) in _packets)
        {
            ng.Enhanced(0, time, frame, wire, resolutionExponent);
        }

        return ng.ToArray();
    }

    /// <summary>Writes the capture to a new temporary file and returns its path.</summary>
    public string WriteTemp(string extension = ".pcap", bool nanoseconds = false)
    {
        var path = TempFiles.Create(extension);
        File.WriteAllBytes(path, extension.Contains("pcapng", StringComparison.Ordinal) ? ToPcapNg() : ToPcap(nanoseconds));
        return path;
    }

    /// <summary>Rewrites a little-endian pcap file in big-endian order (as written on SPARC or PowerPC).</summary>
    public static byte[] SwapPcapByteOrder(byte[] le)
    {
        var b = (byte[])le.Clone();
        Reverse(b, 0, 4);
        Reverse(b, 4, 2);
        Reverse(b, 6, 2);
        for (var i = 8; i < 24; i += 4)
        {
            Reverse(b, i, 4);
        }

        var offset = 24;
        while (offset + 16 <= b.Length)
        {
            var captured = BitConverter.ToInt32(le, offset + 8);
            for (var i = 0; i < 16; i += 4)
            {
                Reverse(b, offset + i, 4);
            }

            offset += 16 + captured;
        }

        return b;
    }

    private static void Reverse(byte[] b, int start, int length) => Array.Reverse(b, start, length);
}
