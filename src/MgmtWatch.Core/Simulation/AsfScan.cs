using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// Discovery of the management subnet from a rogue host (threats.md §6 and §16, S6/S14), as nmap does it
/// on a local network: an ARP sweep of every address, ASF presence pings and Get Channel Authentication
/// Capabilities (<c>ipmi-version</c>) to the hosts that answered, then a SYN scan of common BMC ports.
/// BMCs answer pongs; other Linux hosts send ICMP port unreachable; open ports SYN-ACK (and get the
/// scanner kernel's RST), closed ports RST; Windows hosts drop everything.
/// </summary>
internal sealed class AsfScan(Site site) : Campaign(site, "asf-scan")
{
    private static readonly ushort[] Ports = [22, 80, 443, 623, 3668, 3669, 3900, 5120, 5123, 5900, 8080, 17988, 17990, 49152];
    private Host _scanner = null!;
    private LabelPattern _udp = null!;
    private LabelPattern _tcp = null!;
    private LabelPattern _icmp = null!;
    private bool _slow;

    protected override long NominalLength(long available) => Random.Seconds(120, 900);

    protected override void PrepareTargets()
    {
        _scanner = NewLocalHost("scanner");
        _slow = Random.Chance(0.3);
        _udp = Pattern("udp", _scanner, null, Site.SubnetCidr, 623, $"ASF presence pings and Get Channel Auth Caps sweep of {Site.SubnetCidr} from {_scanner.IpText}");
        _tcp = Pattern("tcp", _scanner, null, Site.SubnetCidr, null, $"SYN scan of common BMC ports across {Site.SubnetCidr} from {_scanner.IpText}");
        _icmp = Pattern("icmp", _scanner, null, Site.SubnetCidr, null, "ICMP port unreachable answers to the UDP 623 sweep");
        Summary = $"{_scanner.IpText} sweeps {Site.SubnetCidr} from {SimTime.Iso(Start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(Run);

    private IEnumerable<long> Run(Wire w)
    {
        var r = Random;
        var t = Start;
        var size = (uint)(~Site.SubnetMask);
        var live = new List<Host>();
        var all = new Dictionary<uint, Host> { [Site.Gateway.Ip] = Site.Gateway };
        foreach (var b in Site.Bmcs)
        {
            all[b.Ip] = b;
        }

        foreach (var h in new[] { Site.Dns, Site.DhcpServer, Site.Syslog, Site.TrapReceiver, Site.Ldap }.Concat(Site.NtpServers).Concat(Site.Pollers).Concat(Site.JumpHosts))
        {
            if (h is not null && h.Local)
            {
                all.TryAdd(h.Ip, h);
            }
        }

        // 1. ARP sweep of the subnet (nmap's default host discovery on a local network).
        for (var a = 1u; a < size && t < Start + Length; a++)
        {
            var ip = Site.SubnetBase + a;
            if (ip == _scanner.Ip)
            {
                continue;
            }

            yield return w.Arp(t, reply: false, _scanner.Mac, _scanner.Ip, null, ip, null);
            if (all.TryGetValue(ip, out var host) && (host is not Bmc bmc || bmc.IsUp(t)))
            {
                live.Add(host);
                yield return w.Arp(t + r.Micros(100, 900), reply: true, host.Mac, host.Ip, _scanner.Mac, _scanner.Ip, _scanner.Mac);
            }

            t += r.Micros(500, 2_500);
        }

        live.Sort((x, y) => x.Ip.CompareTo(y.Ip));
        t += r.Seconds(0.5, 3);

        // 2. UDP 623: ASF presence ping, then Get Channel Auth Caps to what answered.
        w.Pattern = _udp;
        var port = _scanner.EphemeralPort(r);
        var quote = new byte[28 + 4];
        foreach (var host in live)
        {
            var n = IpmiMessages.AsfPing(w.UdpPayload, (byte)r.Next(256));
            var tag = w.UdpPayload[9];
            yield return w.Udp(t, _scanner, port, host, 623, n);
            if (host is Bmc bmc)
            {
                n = IpmiMessages.AsfPong(w.UdpPayload, tag);
                yield return w.Udp(t + r.Micros(300, 5_000), bmc, 623, _scanner, port, n);
                var at = w.Time + r.Micros(1_000, 20_000);
                n = IpmiMessages.GetChannelAuthCapsRequest(w.UdpPayload, 0, 0x04);
                yield return w.Udp(at, _scanner, port, bmc, 623, n);
                n = IpmiMessages.GetChannelAuthCapsResponse(w.UdpPayload, 0, bmc);
                yield return w.Udp(at + r.Micros(500, 10_000), bmc, 623, _scanner, port, n);
            }
            else if (host.InitialTtl == 64 && host.Role != HostRole.Gateway)
            {
                // Destination unreachable, port unreachable (RFC 792), quoting the IP header and 8 bytes.
                w.Pattern = _icmp;
                var ipHeader = w.Frame.AsSpan(Wire.EthernetHeader, 28);
                ipHeader.CopyTo(quote.AsSpan(4));
                BinaryPrimitives.WriteUInt32BigEndian(quote, 0);
                yield return w.Icmp(t + r.Micros(200, 2_000), host, _scanner, 3, 3, quote);
                w.Pattern = _udp;
            }

            t = w.Time + (_slow ? r.Micros(300_000, 500_000) : r.Micros(2_000, 20_000));
        }

        // 3. SYN scan of common BMC ports from one raw source port; the scanner's kernel resets SYN-ACKs.
        w.Pattern = _tcp;
        var source = (ushort)r.Next(40_000, 65_000);
        foreach (var dport in Ports)
        {
            foreach (var host in live)
            {
                var seq = (uint)r.NextInt64(0, uint.MaxValue);
                yield return w.Tcp(t, _scanner, source, host, dport, seq, 0, TcpConnection.Syn, 1024, 0, synOptions: false);
                var answer = t + r.Micros(150, 3_000);
                var open = IsOpen(host, dport);
                if (host.InitialTtl == 128)
                {
                    // A Windows host's firewall drops the probe.
                }
                else if (open)
                {
                    var serverSeq = (uint)r.NextInt64(0, uint.MaxValue);
                    yield return w.Tcp(answer, host, dport, _scanner, source, serverSeq, seq + 1, TcpConnection.Syn | TcpConnection.Ack, host.SynWindow, 0, synOptions: true);
                    yield return w.Tcp(answer + r.Micros(20, 200), _scanner, source, host, dport, seq + 1, 0, TcpConnection.Rst, 0, 0);
                }
                else
                {
                    yield return w.Tcp(answer, host, dport, _scanner, source, 0, seq + 1, TcpConnection.Rst | TcpConnection.Ack, 0, 0);
                }

                t = w.Time + (_slow ? r.Micros(100_000, 400_000) : r.Micros(300, 3_000));
            }
        }
    }

    private static bool IsOpen(Host host, ushort port)
    {
        if (host is not Bmc b)
        {
            return port == 22 || (host.Role == HostRole.Poller && port is 80 or 443);
        }

        return port is 22 or 80 or 443
            || port == b.KvmPort
            || (port == b.VirtualMediaPort && port != 443)
            || (b.Vendor == BmcVendor.Supermicro && port is 623 or 5120 or 5123);
    }
}
