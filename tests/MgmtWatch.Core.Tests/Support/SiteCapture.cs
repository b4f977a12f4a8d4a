namespace MgmtWatch.Core.Tests.Support;

/// <summary>
/// A small, seeded management site for model tests: pollers exchanging IPMI-sized datagrams with BMCs on a
/// schedule, SNMP polls, BMCs syncing NTP and sending syslog, and admin HTTPS sessions. Not realistic enough
/// to judge a model (the simulator is for that); enough to exercise training and scoring on real bytes.
/// </summary>
public static class SiteCapture
{
    public const string Poller = "10.60.1.10";
    public const string Ntp = "10.60.1.2";
    public const string Syslog = "10.60.1.3";
    public const string Admin = "10.60.1.20";

    public static string Bmc(int i) => $"10.60.0.{10 + i}";

    public static PcapBuilder Build(int seed, double minutes, int bmcs = 6, double startSeconds = 0)
    {
        var random = new Random(seed);
        var b = new PcapBuilder();
        var events = new List<(double Time, byte[] Frame)>();
        var port = (ushort)(30000 + random.Next(1000));
        ushort NextPort() => port = (ushort)(port >= 60000 ? 30000 : port + 1);
        for (var i = 0; i < bmcs; i++)
        {
            var bmc = Bmc(i);
            for (var t = startSeconds + random.NextDouble() * 60; t < startSeconds + minutes * 60; t += 60 + random.NextDouble() * 4 - 2)
            {
                var p = NextPort();
                for (var k = 0; k < 6; k++)
                {
                    events.Add((t + k * 0.002, Frames.Udp(Poller, p, bmc, 623, new byte[40 + random.Next(40)])));
                    events.Add((t + k * 0.002 + 0.001, Frames.Udp(bmc, 623, Poller, p, new byte[50 + random.Next(60)])));
                }
            }

            for (var t = startSeconds + random.NextDouble() * 300; t < startSeconds + minutes * 60; t += 300 + random.NextDouble() * 10)
            {
                var p = NextPort();
                events.Add((t, Frames.Udp(Poller, p, bmc, 161, new byte[60 + random.Next(20)])));
                events.Add((t + 0.003, Frames.Udp(bmc, 161, Poller, p, new byte[120 + random.Next(200)])));
            }

            for (var t = startSeconds + random.NextDouble() * 128; t < startSeconds + minutes * 60; t += 128)
            {
                events.Add((t, Frames.Udp(bmc, 123, Ntp, 123, NtpPacket(3))));
                events.Add((t + 0.0005, Frames.Udp(Ntp, 123, bmc, 123, NtpPacket(4))));
            }

            for (var t = startSeconds + random.NextDouble() * 900; t < startSeconds + minutes * 60; t += 200 + random.NextDouble() * 1200)
            {
                events.Add((t, Frames.Udp(bmc, 514, Syslog, 514, new byte[100 + random.Next(200)])));
            }
        }

        for (var t = startSeconds + 120; t < startSeconds + minutes * 60; t += 240 + random.NextDouble() * 120)
        {
            var bmc = Bmc(random.Next(bmcs));
            var p = NextPort();
            uint c = 1000;
            uint s = 5000;
            events.Add((t, Frames.Tcp(Admin, p, bmc, 443, Frames.Syn, seq: c)));
            events.Add((t + 0.001, Frames.Tcp(bmc, 443, Admin, p, Frames.Syn | Frames.Ack, seq: s, ack: c + 1)));
            c++;
            s++;
            events.Add((t + 0.002, Frames.Tcp(Admin, p, bmc, 443, Frames.Ack, seq: c, ack: s)));
            var rounds = 3 + random.Next(5);
            for (var r = 0; r < rounds; r++)
            {
                var request = 300 + random.Next(200);
                var response = 800 + random.Next(600);
                events.Add((t + 0.01 + r * 0.05, Frames.Tcp(Admin, p, bmc, 443, Frames.Ack | Frames.Psh, seq: c, ack: s, payload: new byte[request])));
                c += (uint)request;
                events.Add((t + 0.02 + r * 0.05, Frames.Tcp(bmc, 443, Admin, p, Frames.Ack | Frames.Psh, seq: s, ack: c, payload: new byte[response])));
                s += (uint)response;
            }

            var end = t + 0.02 + rounds * 0.05;
            events.Add((end, Frames.Tcp(Admin, p, bmc, 443, Frames.Fin | Frames.Ack, seq: c, ack: s)));
            events.Add((end + 0.001, Frames.Tcp(bmc, 443, Admin, p, Frames.Fin | Frames.Ack, seq: s, ack: c + 1)));
            events.Add((end + 0.002, Frames.Tcp(Admin, p, bmc, 443, Frames.Ack, seq: c + 1, ack: s + 1)));
        }

        foreach (var (time, frame) in events.OrderBy(e => e.Time))
        {
            b.Add(time, frame);
        }

        return b;
    }

    private static byte[] NtpPacket(int mode)
    {
        var p = new byte[48];
        p[0] = (byte)((4 << 3) | mode);
        return p;
    }
}
