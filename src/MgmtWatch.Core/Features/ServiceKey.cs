using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Features;

/// <summary>
/// The service a flow uses, as the baseline remembers it: the analyzer's name when one confirmed the
/// protocol, otherwise transport and responder port ("udp/514"), with dynamic ports folded together so an
/// RPC or FTP data port does not look new every time.
/// </summary>
public static class ServiceKey
{
    /// <summary>IANA dynamic/private range start (RFC 6335 §6).</summary>
    private const int DynamicPorts = 49152;

    /// <summary>The service key of a flow.</summary>
    public static string Of(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return flow.Service ?? Of(flow.Protocol, flow.RespPort);
    }

    /// <summary>The key of a transport and port.</summary>
    public static string Of(byte protocol, ushort port)
    {
        var transport = IpProtocol.ZeekName(protocol);
        if (protocol is IpProtocol.Icmp or IpProtocol.Icmpv6)
        {
            return "icmp";
        }

        if (port >= DynamicPorts)
        {
            return transport + "/dynamic";
        }

        // Interned per transport and port: the key is looked up for every flow.
        return Cache.GetOrAdd((protocol << 16) | port, static k =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{IpProtocol.ZeekName((byte)(k >> 16))}/{k & 0xFFFF}"));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> Cache = new();
}
