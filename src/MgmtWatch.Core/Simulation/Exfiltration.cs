namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A BMC uploading tens of megabytes to an Internet address (threats.md §11, S10): TLS from the implant's
/// stack, bytes out far above bytes in, at the slow rate a BMC's CPU can encrypt.
/// </summary>
internal sealed class Exfiltration(Site site) : Campaign(site, "exfiltration")
{
    private Bmc _bmc = null!;
    private Host _drop = null!;
    private ushort _port;
    private long _bytes;
    private double _rate;
    private LabelPattern _pattern = null!;

    protected override long NominalLength(long available)
    {
        _bytes = (long)(Random.Uniform(20, 80) * 1_048_576 * Site.BulkScale);
        _rate = Random.Uniform(0.5, 4) * 1_048_576;
        return SimTime.FromSeconds(_bytes / _rate) + (2 * SimTime.Minute);
    }

    protected override void PrepareTargets()
    {
        _bmc = PickBmc();
        _drop = NewOutsideHost("drop");
        _port = Random.Pick<ushort>([443, 443, 8443, 993]);
        _pattern = Pattern("tcp", _bmc, null, _drop, _port, $"BMC {_bmc.Name} uploads {_bytes / 1_048_576.0:F1} MB to {_drop.IpText}:{_port} over TLS");
        Summary = $"{_bmc.Name} -> {_drop.IpText}:{_port}, {_bytes / 1_048_576.0:F1} MB from {SimTime.Iso(Start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(Run);

    private IEnumerable<long> Run(Wire w)
    {
        var r = Random;
        w.Pattern = _pattern;
        if (!_bmc.IsUp(Start))
        {
            yield break;
        }

        // One to three connections, each carrying a part of the archive.
        var parts = r.Next(1, 4);
        var t = Start;
        var certificate = X509Builder.SelfSigned(r, "localhost", "Acme", null, SimTime.ToDateTimeOffset(Start).AddDays(-5), 1);
        for (var i = 0; i < parts; i++)
        {
            var tcp = new TcpConnection(_bmc, _bmc.EphemeralPort(r), _drop, _port, r);
            foreach (var x in tcp.Open(w, r, t))
            {
                yield return x;
            }

            var tls = new TlsSession(tcp);
            foreach (var x in tls.Handshake(w, r, TlsClientProfile.Implant, null, certificate, 0x0303, tcp.Now + r.Micros(500, 3_000), r.Micros(1_000, 5_000)))
            {
                yield return x;
            }

            foreach (var x in tls.Send(w, r, true, _bytes / parts, tcp.Now + r.Micros(1_000, 10_000), _rate * r.Uniform(0.8, 1.2)))
            {
                yield return x;
            }

            foreach (var x in tls.Send(w, r, false, r.Next(20, 60), tcp.Now + (2 * tcp.OneWay) + r.Micros(1_000, 20_000)))
            {
                yield return x;
            }

            foreach (var x in tls.Close(w, r, tcp.Now + r.Micros(1_000, 50_000)))
            {
                yield return x;
            }

            t = tcp.Now + r.Seconds(1, 30);
        }
    }
}
