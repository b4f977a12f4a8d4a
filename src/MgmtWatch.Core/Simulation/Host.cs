using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A simulated address with its link-layer and stack traits. The capture point is a SPAN of the
/// management VLAN: hosts on that VLAN appear with their own MAC and initial TTL; everything else
/// arrives through the site's router, with the router's MAC and a decremented TTL.
/// </summary>
internal class Host
{
    public Host(string name, uint ip, byte[] mac, HostRole role, byte initialTtl, bool local)
    {
        Name = name;
        Ip = ip;
        Mac = mac;
        Role = role;
        InitialTtl = initialTtl;
        Local = local;
        WireMac = mac;
        WireTtl = initialTtl;
    }

    /// <summary>Host name (without the site domain).</summary>
    public string Name { get; }

    /// <summary>IPv4 address, host order.</summary>
    public uint Ip { get; }

    /// <summary>The interface's own MAC address.</summary>
    public byte[] Mac { get; }

    public HostRole Role { get; }

    /// <summary>Initial TTL of the host's stack: 64 Linux and most BMCs, 128 Windows, 255 network gear.</summary>
    public byte InitialTtl { get; }

    /// <summary>True when the host sits on the captured management VLAN.</summary>
    public bool Local { get; }

    /// <summary>The MAC its frames carry on the captured VLAN (its own, or the router's).</summary>
    public byte[] WireMac { get; set; }

    /// <summary>The TTL its packets have when they reach the capture point.</summary>
    public byte WireTtl { get; set; }

    /// <summary>First port of the host's ephemeral range (Linux 32768–60999, Windows 49152–65535).</summary>
    public int EphemeralMin { get; init; } = 32768;

    /// <summary>Last port of the host's ephemeral range.</summary>
    public int EphemeralMax { get; init; } = 60999;

    /// <summary>Receive window the host advertises (unscaled value in the header).</summary>
    public ushort TcpWindow { get; init; } = 502;

    /// <summary>Window in its SYN / SYN-ACK.</summary>
    public ushort SynWindow { get; init; } = 64240;

    /// <summary>Window-scale shift it offers.</summary>
    public byte WindowScale { get; init; } = 7;

    /// <summary>
    /// Ports taken by attack behaviours (a tunnel's fixed socket): normal behaviours of this host skip
    /// them, so that a label row naming the port can never match a normal flow.
    /// </summary>
    public List<ushort> ReservedPorts { get; } = [];

    /// <summary>The fully qualified name, given the site domain.</summary>
    public string Fqdn(string domain) => Name + "." + domain;

    public string IpText => FormatIp(Ip);

    /// <summary>A fresh ephemeral port drawn from the caller's stream (Linux randomises per connection).</summary>
    public ushort EphemeralPort(Random random)
    {
        var port = (ushort)random.Next(EphemeralMin, EphemeralMax + 1);
        while (ReservedPorts.Contains(port))
        {
            port = (ushort)(port == EphemeralMax ? EphemeralMin : port + 1);
        }

        return port;
    }

    public static string FormatIp(uint ip) => string.Create(CultureInfo.InvariantCulture, $"{ip >> 24}.{(ip >> 16) & 0xFF}.{(ip >> 8) & 0xFF}.{ip & 0xFF}");

    public override string ToString() => Name + "/" + IpText;
}
