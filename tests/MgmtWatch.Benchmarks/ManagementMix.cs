using System.Net;
using System.Net.NetworkInformation;
using MgmtWatch.Core.Capture;
using PacketDotNet;

namespace MgmtWatch.Benchmarks;

/// <summary>
/// Writes a synthetic capture for flow-table stress (<c>throughput --synthetic-mix</c>): the port and packet
/// pattern of a management network (IPMI, SNMP, NTP, syslog, HTTPS and KVM sessions to a fleet of BMCs) with
/// tens of thousands of flows open at once, but random payloads: the protocol analyzers reject them (one
/// anomaly per datagram, mostly over the rate limit), so this measures the flow path, not the analyzers; the
/// default throughput capture is the simulator's. Deterministic per seed.
/// </summary>
internal static class ManagementMix
{
    private static readonly PhysicalAddress Mac = PhysicalAddress.Parse("00-25-90-00-00-01");

    public static void Write(string path, int packets, int seed = 1)
    {
        var random = new Random(seed);
        var bmcs = Enumerable.Range(0, 40).Select(i => IPAddress.Parse($"10.50.0.{10 + i}")).ToArray();
        var pollers = Enumerable.Range(0, 5).Select(i => IPAddress.Parse($"10.50.1.{10 + i}")).ToArray();
        var ntp = IPAddress.Parse("10.50.1.2");
        var syslog = IPAddress.Parse("10.50.1.3");
        using var writer = new PcapFileWriter(path, LinkType.Ethernet);
        long time = 1_772_366_400_000_000_000;
        var written = 0;
        var port = 32768;
        void Emit(byte[] frame)
        {
            time += random.Next(5_000, 60_000);
            writer.Write(time, frame);
            written++;
        }

        while (written < packets)
        {
            var bmc = bmcs[random.Next(bmcs.Length)];
            var poller = pollers[random.Next(pollers.Length)];
            var kind = random.Next(100);
            port = port >= 60999 ? 32768 : port + 1;
            if (kind < 45)
            {
                // IPMI RMCP+ session: set-up exchanges then encrypted commands, 60-200 byte datagrams.
                var exchanges = 8 + random.Next(20);
                for (var i = 0; i < exchanges && written < packets; i++)
                {
                    Emit(Udp(poller, (ushort)port, bmc, 623, 40 + random.Next(60)));
                    Emit(Udp(bmc, 623, poller, (ushort)port, 40 + random.Next(100)));
                }
            }
            else if (kind < 65)
            {
                Emit(Udp(poller, (ushort)port, bmc, 161, 60 + random.Next(40)));
                Emit(Udp(bmc, 161, poller, (ushort)port, 80 + random.Next(300)));
            }
            else if (kind < 75)
            {
                Emit(Udp(bmc, 123, ntp, 123, 48));
                Emit(Udp(ntp, 123, bmc, 123, 48));
            }
            else if (kind < 85)
            {
                Emit(Udp(bmc, 514, syslog, 514, 100 + random.Next(300)));
            }
            else
            {
                // A TCP session (Redfish over HTTPS, or KVM): handshake, requests and responses, close.
                var kvm = kind >= 98;
                var dport = (ushort)(kvm ? 5900 : 443);
                uint c = (uint)random.Next(), s = (uint)random.Next();
                Emit(Tcp(poller, (ushort)port, bmc, dport, 0x02, c, 0, 0));
                Emit(Tcp(bmc, dport, poller, (ushort)port, 0x12, s, c + 1, 0));
                c++;
                s++;
                Emit(Tcp(poller, (ushort)port, bmc, dport, 0x10, c, s, 0));
                var rounds = kvm ? 200 : 4 + random.Next(8);
                for (var i = 0; i < rounds && written < packets; i++)
                {
                    var request = kvm ? 10 : 200 + random.Next(300);
                    var response = kvm ? 1400 : 300 + random.Next(1100);
                    Emit(Tcp(poller, (ushort)port, bmc, dport, 0x18, c, s, request));
                    c += (uint)request;
                    Emit(Tcp(bmc, dport, poller, (ushort)port, 0x18, s, c, response));
                    s += (uint)response;
                }

                Emit(Tcp(poller, (ushort)port, bmc, dport, 0x11, c, s, 0));
                Emit(Tcp(bmc, dport, poller, (ushort)port, 0x11, s, c + 1, 0));
                Emit(Tcp(poller, (ushort)port, bmc, dport, 0x10, c + 1, s + 1, 0));
            }
        }
    }

    private static byte[] Udp(IPAddress src, ushort sport, IPAddress dst, ushort dport, int size)
    {
        var udp = new UdpPacket(sport, dport) { PayloadData = new byte[size] };
        var ip = new IPv4Packet(src, dst) { PayloadPacket = udp, TimeToLive = 64 };
        ip.UpdateCalculatedValues();
        return new EthernetPacket(Mac, Mac, EthernetType.IPv4) { PayloadPacket = ip }.Bytes;
    }

    private static byte[] Tcp(IPAddress src, ushort sport, IPAddress dst, ushort dport, byte flags, uint seq, uint ack, int size)
    {
        var tcp = new TcpPacket(sport, dport) { Flags = flags, SequenceNumber = seq, AcknowledgmentNumber = ack, WindowSize = 64240, PayloadData = new byte[size] };
        var ip = new IPv4Packet(src, dst) { PayloadPacket = tcp, TimeToLive = 64 };
        ip.UpdateCalculatedValues();
        return new EthernetPacket(Mac, Mac, EthernetType.IPv4) { PayloadPacket = ip }.Bytes;
    }
}
