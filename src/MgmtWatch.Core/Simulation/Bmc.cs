namespace MgmtWatch.Core.Simulation;

/// <summary>A baseboard management controller with its vendor traits and its availability timeline.</summary>
internal sealed class Bmc(string name, uint ip, byte[] mac, bool local) : Host(name, ip, mac, HostRole.Bmc, 64, local)
{
    public required BmcVendor Vendor { get; init; }

    /// <summary>Position in the site's BMC list (stable identifier for random streams).</summary>
    public required int Index { get; init; }

    /// <summary>Serial number / service tag.</summary>
    public required string Serial { get; init; }

    /// <summary>Managed-system GUID sent in RAKP2 (IPMI v2.0 §13.21).</summary>
    public required byte[] Guid { get; init; }

    /// <summary>Local IPMI users and their passwords (Kuid, IPMI v2.0 §13.31).</summary>
    public required IReadOnlyList<(string User, string Password)> Users { get; init; }

    /// <summary>Whether cipher suite 17 (RAKP-HMAC-SHA256) is offered; suite 3 always is.</summary>
    public required bool SupportsSuite17 { get; init; }

    /// <summary>Whether the BMC accepts cipher suite 0 (CVE-2013-4782/4783/4784); only ever true for an attacked BMC.</summary>
    public bool AcceptsCipherZero { get; set; }

    /// <summary>IPMI LAN channel number (App 0x38 response byte 1).</summary>
    public required byte LanChannel { get; init; }

    /// <summary>Get Channel Auth Caps response byte 2 (auth types) and byte 3 (login status), IPMI v2.0 §22.13.</summary>
    public required byte AuthTypeSupport { get; init; }

    public required byte LoginStatus { get; init; }

    /// <summary>Sensors read by a monitoring poll.</summary>
    public required int SensorCount { get; init; }

    /// <summary>SEL entries present.</summary>
    public required int SelEntries { get; init; }

    public required string SshBanner { get; init; }

    /// <summary>Subject common name of the BMC's default web certificate.</summary>
    public required string CertificateName { get; init; }

    public required string CertificateOrganization { get; init; }

    /// <summary>Highest TLS version the web server speaks (0x0303 TLS 1.2, 0x0304 TLS 1.3).</summary>
    public required ushort TlsMaxVersion { get; init; }

    /// <summary>TCP port of the remote console (KVM).</summary>
    public required ushort KvmPort { get; init; }

    /// <summary>Whether the console speaks RFB (VNC) on <see cref="KvmPort"/>, rather than TLS or a vendor protocol.</summary>
    public required bool KvmIsRfb { get; init; }

    /// <summary>TCP port of virtual media.</summary>
    public required ushort VirtualMediaPort { get; init; }

    /// <summary>True when the BMC takes its address by DHCP; false for a static address.</summary>
    public bool Dhcp { get; set; }

    /// <summary>True when the BMC is configured with server names (it resolves them); false for addresses.</summary>
    public bool UsesDns { get; set; }

    /// <summary>True for ntpd-style clients that send from port 123; false for SNTP clients using an ephemeral port.</summary>
    public required bool NtpFromPort123 { get; init; }

    /// <summary>SNMP engine ID (RFC 3411 §5 SnmpEngineID).</summary>
    public required byte[] SnmpEngineId { get; init; }

    public required string SysDescr { get; init; }

    public required string SysObjectId { get; init; }

    /// <summary>An overloaded or failing BMC: slow answers and some unanswered requests (client retransmissions).</summary>
    public bool Slow { get; init; }

    /// <summary>Typical command processing time of this BMC (ms): old BMCs are slow.</summary>
    public required double ProcessingMs { get; init; }

    /// <summary>The web server's certificate (DER), made on first use (<see cref="ServerKeys"/>).</summary>
    public byte[]? Certificate { get; set; }

    /// <summary>The SSH server's ed25519 host key, made on first use (<see cref="ServerKeys"/>).</summary>
    public byte[]? HostKey { get; set; }

    /// <summary>Set when an attack reflashes the BMC: it then presents new keys.</summary>
    public Reflash? Reflash { get; set; }

    /// <summary>Outages in time order (reboots, firmware flashes). Fixed before generation starts.</summary>
    public List<Outage> Outages { get; } = [];

    /// <summary>True when the BMC is up at <paramref name="time"/>.</summary>
    public bool IsUp(long time)
    {
        foreach (var o in Outages)
        {
            if (time >= o.DownAt && time < o.UpAt)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The outage that starts at or after <paramref name="time"/> (the end of the current up epoch), if any.</summary>
    public Outage? NextOutage(long time)
    {
        foreach (var o in Outages)
        {
            if (o.UpAt > time)
            {
                return o;
            }
        }

        return null;
    }

    /// <summary>The first outage that begins in (<paramref name="after"/>, <paramref name="upTo"/>], or that covers <paramref name="upTo"/>.</summary>
    public Outage? OutageSince(long after, long upTo)
    {
        foreach (var o in Outages)
        {
            if ((o.DownAt > after && o.DownAt <= upTo) || (upTo >= o.DownAt && upTo < o.UpAt))
            {
                return o;
            }
        }

        return null;
    }

    /// <summary>Whether an outage overlaps [from, to).</summary>
    public bool OutageOverlaps(long from, long to)
    {
        foreach (var o in Outages)
        {
            if (o.DownAt < to && o.UpAt > from)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds an outage, keeping the list ordered.</summary>
    public void AddOutage(Outage outage)
    {
        var i = 0;
        while (i < Outages.Count && Outages[i].DownAt < outage.DownAt)
        {
            i++;
        }

        Outages.Insert(i, outage);
    }
}
