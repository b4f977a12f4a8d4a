using System.Buffers.Binary;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// One real capture per registered analyzer, by analyzer name: the repository's recordings for IPMI,
/// TLS, SSH and SNMP; the shared public captures (Zeek's and nDPI's test traces) for NTP, DNS, DHCP,
/// syslog, HTTP, RFB and LDAP when they are beside the checkout. The vendor console analyzer has no public
/// capture (its protocols are proprietary and encrypted): it gets the TLS 1.3 session of tls-openssl.pcap
/// moved from port 443 to iLO's remote console port 17990, which is what such a session looks like on
/// the wire.
/// </summary>
internal static class AnalyzerCaptures
{
    private static readonly (string Analyzer, Func<CapturedFrame[]?> Load)[] All =
    [
        ("ipmi", () => RepoCaptures.Load(RepoCaptures.Repo("ipmi-sim-sessions.pcap"))),
        ("tls", () => RepoCaptures.Load(RepoCaptures.Repo("tls-openssl.pcap"))),
        ("ssh", () => RepoCaptures.Load(RepoCaptures.Repo("ssh-openssh.pcap"))),
        ("snmp", () => RepoCaptures.Load(RepoCaptures.Repo("snmpd-loopback.pcap"))),
        ("kvm", () => MovePort(RepoCaptures.Load(RepoCaptures.Repo("tls-openssl.pcap")), 443, 17990)),
        ("ntp", () => Shared("ntp/zeek-ntp.pcap")),
        ("dns", () => Shared("dns/zeek-dns53.pcap")),
        ("dhcp", () => Shared("dhcp/zeek-dhcp.pcap")),
        ("syslog", () => Shared("syslog/ndpi-syslog.pcap")),
        ("http", () => Shared("https/zeek-http-basic-auth-with-colon.pcap")),
        ("rfb", () => Shared("kvm/zeek-rfb-vncmac.pcap")),
        ("ldap", () => Shared("auth/zeek-ldap-simpleauth.pcap")),
    ];

    /// <summary>Analyzer names whose capture is present here.</summary>
    public static IEnumerable<string> Available() => All.Where(c => c.Load() is not null).Select(c => c.Analyzer);

    /// <summary>The frames for <paramref name="analyzer"/>.</summary>
    public static CapturedFrame[] For(string analyzer) =>
        All.First(c => c.Analyzer == analyzer).Load() ?? throw new InvalidOperationException($"no capture for {analyzer} here");

    private static CapturedFrame[]? Shared(string relative) => RepoCaptures.Shared(relative) is { } path ? RepoCaptures.Load(path) : null;

    /// <summary>The TCP frames to or from <paramref name="from"/>, moved to <paramref name="to"/>; other frames dropped.</summary>
    private static CapturedFrame[] MovePort(CapturedFrame[] frames, ushort from, ushort to)
    {
        var moved = new List<CapturedFrame>();
        foreach (var frame in frames)
        {
            var data = (byte[])frame.Data.Clone();
            if (data.Length < 34 || data[12] != 0x08 || data[13] != 0x00 || data[23] != 6)
            {
                continue;
            }

            var tcp = data.AsSpan(14 + ((data[14] & 0x0F) * 4));
            var kept = false;
            for (var i = 0; i <= 2; i += 2)
            {
                if (BinaryPrimitives.ReadUInt16BigEndian(tcp[i..]) == from)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(tcp[i..], to);
                    BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], AdjustChecksum(BinaryPrimitives.ReadUInt16BigEndian(tcp[16..]), from, to));
                    kept = true;
                }
            }

            if (kept)
            {
                moved.Add(frame with { Data = data });
            }
        }

        return [.. moved];
    }

    /// <summary>A checksum updated for one 16-bit word changed from <paramref name="old"/> to <paramref name="value"/> (RFC 1624 eqn. 3).</summary>
    private static ushort AdjustChecksum(ushort checksum, ushort old, ushort value)
    {
        var sum = (uint)(ushort)~checksum + (ushort)~old + value;
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
