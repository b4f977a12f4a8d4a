using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Single analyzer packets for unit tests of <see cref="IProtocolAnalyzer.Accepts"/>.</summary>
public static class AnalyzerPackets
{
    /// <summary>A TCP payload between 10.0.0.1:40000 (originator) and 10.0.0.9:<paramref name="responderPort"/>.</summary>
    internal static AnalyzerPacket Tcp(byte[] payload, bool fromOriginator, ushort responderPort, uint sequence = 1) =>
        new(PcapBuilder.T0, 1, 0, fromOriginator, HostAddress.FromV4(0x0A000001), 40000, HostAddress.FromV4(0x0A000009), responderPort,
            IpProtocol.Tcp, 4, 0x18, sequence, payload.Length, payload);
}
