using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A firmware implant on one BMC calling home (threats.md §11, S7/S8): a new connection to an Internet
/// address every N seconds with a few per cent jitter, TLS from a small embedded stack with no SNI (or
/// plain HTTP), requests and answers of nearly constant size, for hours.
/// </summary>
internal sealed class ImplantBeacon(Site site) : Campaign(site, "implant-beacon")
{
    private Bmc _bmc = null!;
    private Host _c2 = null!;
    private ushort _port;
    private bool _tls;
    private long _period;
    private LabelPattern _pattern = null!;

    protected override long NominalLength(long available) => Random.Seconds(3_600, 6 * 3_600);

    protected override void PrepareTargets()
    {
        _bmc = PickBmc();
        _c2 = NewOutsideHost("c2");
        _tls = Random.Chance(0.7);
        _port = _tls ? Random.Pick<ushort>([443, 443, 8443]) : Random.Pick<ushort>([80, 8080]);
        _period = Random.Seconds(30, 300);
        var seconds = (_period / SimTime.Second).ToString(CultureInfo.InvariantCulture);
        _pattern = Pattern("tcp", _bmc, null, _c2, _port, $"BMC {_bmc.Name} beacons to {_c2.IpText}:{_port} every ~{seconds} s ({(_tls ? "TLS, no SNI" : "plain HTTP")})");
        Summary = $"{_bmc.Name} -> {_c2.IpText}:{_port} every {seconds} s from {SimTime.Iso(Start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(Run);

    private IEnumerable<long> Run(Wire w)
    {
        var r = Random;
        w.Pattern = _pattern;
        var request = r.Next(180, 260);
        var response = r.Next(90, 260);
        var certificate = X509Builder.SelfSigned(r, r.FromAlphabet("abcdefghijklmnopqrstuvwxyz", 8), "Internet Widgits Pty Ltd", null, SimTime.ToDateTimeOffset(Start).AddDays(-20), 1);
        var t = Start;
        var end = Start + Length;
        while (t < end)
        {
            if (_bmc.IsUp(t) && _bmc.IsUp(t + SimTime.Minute))
            {
                var tcp = new TcpConnection(_bmc, _bmc.EphemeralPort(r), _c2, _port, r);
                foreach (var x in tcp.Open(w, r, t))
                {
                    yield return x;
                }

                // Almost always the same sizes; now and then the server sends a task.
                var answer = r.Chance(0.05) ? r.Next(600, 4_000) : response + r.Next(-4, 5);
                if (_tls)
                {
                    var tls = new TlsSession(tcp);
                    foreach (var x in tls.Handshake(w, r, TlsClientProfile.Implant, null, certificate, 0x0303, tcp.Now + r.Micros(200, 2_000), r.Micros(1_000, 5_000)))
                    {
                        yield return x;
                    }

                    foreach (var x in tls.Exchange(w, r, request + r.Next(-4, 5), answer, tcp.Now + r.Micros(200, 2_000), r.Micros(5_000, 40_000)))
                    {
                        yield return x;
                    }

                    foreach (var x in tls.Close(w, r, tcp.Now + r.Micros(500, 5_000)))
                    {
                        yield return x;
                    }
                }
                else
                {
                    var id = r.FromAlphabet("0123456789abcdef", 16);
                    var get = System.Text.Encoding.ASCII.GetBytes($"GET /api/v2/status?sid={id}&seq={(t / SimTime.Second) % 100000} HTTP/1.1\r\nHost: {_c2.IpText}\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\nConnection: close\r\n\r\n");
                    var body = r.FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", answer);
                    var reply = System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
                    foreach (var x in tcp.Exchange(w, r, ByteSource.Of(get), ByteSource.Of(reply), tcp.Now + r.Micros(200, 2_000), r.Micros(5_000, 40_000)))
                    {
                        yield return x;
                    }

                    foreach (var x in tcp.Close(w, r, tcp.Now + r.Micros(200, 2_000), clientFirst: false))
                    {
                        yield return x;
                    }
                }
            }

            t += (long)(_period * r.Uniform(0.95, 1.05));
        }
    }
}
