using System.Globalization;
using System.Text;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A compromised BMC acting as a client (threats.md §12): SSH logins, SMB port checks and HTTP requests
/// towards servers in the host network, and an SSH login to another BMC. BMCs are servers; any of these
/// flows breaks the site's role model.
/// </summary>
internal sealed class LateralMovement(Site site) : Campaign(site, "lateral-movement")
{
    private Bmc _bmc = null!;
    private readonly List<(Host Target, ushort Port, LabelPattern Pattern)> _steps = [];

    protected override long NominalLength(long available) => Random.Seconds(300, 2_400);

    protected override void PrepareTargets()
    {
        _bmc = PickBmc();
        var targets = Random.Next(2, 6);
        for (var i = 0; i < targets; i++)
        {
            var host = NewHostNetworkHost("srv" + i.ToString(CultureInfo.InvariantCulture), windows: Random.Chance(0.4));
            foreach (var port in new ushort[] { 22, 445, 80 })
            {
                if (Random.Chance(0.75))
                {
                    _steps.Add((host, port, Pattern("tcp", _bmc, null, host, port, $"BMC {_bmc.Name} connects to host-network server {host.IpText}:{port}")));
                }
            }
        }

        if (Site.Bmcs.Count > 1)
        {
            Bmc peer;
            do
            {
                peer = Random.Pick(Site.Bmcs);
            }
            while (ReferenceEquals(peer, _bmc));
            _steps.Add((peer, 22, Pattern("tcp", _bmc, null, peer, 22, $"BMC {_bmc.Name} logs in to BMC {peer.Name} over SSH")));
        }

        Summary = $"{_bmc.Name} -> {_steps.Count} host/port pairs from {SimTime.Iso(Start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(Run);

    private IEnumerable<long> Run(Wire w)
    {
        var r = Random;
        var t = Start;
        var gap = Length / Math.Max(1, _steps.Count);
        foreach (var (target, port, pattern) in _steps)
        {
            w.Pattern = pattern;
            if (!_bmc.IsUp(t))
            {
                continue;
            }

            var windows = target.InitialTtl == 128;
            var refused = port == 22 && windows || port == 80 && r.Chance(0.3);
            var tcp = new TcpConnection(_bmc, _bmc.EphemeralPort(r), target, port, r);
            var reachable = target is not Bmc peer || peer.IsUp(t);
            foreach (var x in tcp.Open(w, r, t, _ => reachable, 3 * SimTime.Second, refused, Site))
            {
                yield return x;
            }

            if (tcp.Established)
            {
                IEnumerable<long> body = port switch
                {
                    22 => Ssh(w, r, Site, tcp, target),
                    445 => tcp.Reset(w, tcp.Now + r.Micros(100, 1_000), fromClient: true), // a port check: connect, then abort
                    _ => Http(w, r, tcp, target),
                };
                foreach (var x in body)
                {
                    yield return x;
                }
            }

            t = Math.Max(w.Time, t) + (long)(gap * r.Uniform(0.3, 1.0));
        }
    }

    private static IEnumerable<long> Ssh(Wire w, Random r, Site site, TcpConnection tcp, Host target)
    {
        var banner = target is Bmc b ? b.SshBanner : "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6";
        const string Client = "SSH-2.0-dropbear_2019.78";
        var steps = new (bool FromClient, byte[] Bytes)[]
        {
            (false, SshMessages.Banner(banner)),
            (true, SshMessages.Banner(Client)),
            (true, SshMessages.KexInit(r, true, Client)),
            (false, SshMessages.KexInit(r, false, banner)),
            (true, SshMessages.EcdhInit(r)),
            (false, [.. SshMessages.EcdhReply(r, target is Bmc bmc ? ServerKeys.SshHostKey(site, bmc, tcp.Now) : Key(r)), .. SshMessages.NewKeys(r)]),
            (true, SshMessages.NewKeys(r)),
        };
        foreach (var (fromClient, bytes) in steps)
        {
            foreach (var x in tcp.Send(w, r, fromClient, ByteSource.Of(bytes), tcp.Now + r.Micros(300, 5_000)))
            {
                yield return x;
            }
        }

        // A few password attempts with stolen credentials, then the server gives up on us.
        for (var i = r.Next(2, 6); i > 0; i--)
        {
            foreach (var x in tcp.Send(w, r, true, new NoiseStream(SshMessages.EncryptedLength(60), r.NextInt64()), tcp.Now + r.Micros(1_000, 20_000)))
            {
                yield return x;
            }

            foreach (var x in tcp.Send(w, r, false, new NoiseStream(SshMessages.EncryptedLength(30), r.NextInt64()), tcp.Now + r.Micros(200_000, 2_000_000)))
            {
                yield return x;
            }
        }

        foreach (var x in tcp.Close(w, r, tcp.Now + r.Micros(1_000, 20_000), clientFirst: false))
        {
            yield return x;
        }
    }

    private static IEnumerable<long> Http(Wire w, Random r, TcpConnection tcp, Host target)
    {
        var body = "<html><head><title>It works</title></head><body><h1>It works!</h1></body></html>\n";
        var request = Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {target.IpText}\r\nUser-Agent: curl/7.64.0\r\nAccept: */*\r\n\r\n");
        var response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nServer: Apache/2.4.57\r\nContent-Type: text/html\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        foreach (var x in tcp.Exchange(w, r, ByteSource.Of(request), ByteSource.Of(response), tcp.Now + r.Micros(100, 1_000), r.Micros(500, 5_000)))
        {
            yield return x;
        }

        foreach (var x in tcp.Close(w, r, tcp.Now + r.Micros(1_000, 10_000)))
        {
            yield return x;
        }
    }

    private static byte[] Key(Random r)
    {
        var key = new byte[32];
        r.NextBytes(key);
        return key;
    }
}
