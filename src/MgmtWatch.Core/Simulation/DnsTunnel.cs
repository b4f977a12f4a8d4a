using System.Globalization;
using System.Text;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// DNS tunnelling from a BMC through the site resolver (threats.md §11, S9; iodine-like): one socket
/// (fixed source port), long base32 labels under one attacker domain, TXT or NULL queries, bursts of
/// several per second while data moves and slow polling in between.
/// </summary>
internal sealed class DnsTunnel(Site site) : Campaign(site, "dns-tunnel")
{
    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";
    private Bmc _bmc = null!;
    private ushort _port;
    private string _domain = "";
    private ushort _type;
    private LabelPattern _pattern = null!;

    protected override long NominalLength(long available) => Random.Seconds(600, 3_600);

    protected override void PrepareTargets()
    {
        _bmc = PickBmc();
        _port = (ushort)Random.Next(_bmc.EphemeralMin, _bmc.EphemeralMax + 1);
        _bmc.ReservedPorts.Add(_port);
        _domain = "t." + Random.Pick(["cdn-metrics", "upd-sync", "telemetry-edge", "static-assets"]) + Random.Next(10, 99).ToString(CultureInfo.InvariantCulture) + ".example";
        _type = Random.Chance(0.5) ? DnsMessages.Txt : DnsMessages.Null;
        _pattern = Pattern("udp", _bmc, _port, Site.Dns, 53, $"BMC {_bmc.Name} tunnels data in {(_type == DnsMessages.Txt ? "TXT" : "NULL")} queries under {_domain}");
        Summary = $"{_bmc.Name}:{_port} -> resolver, *.{_domain}, from {SimTime.Iso(Start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(Run);

    private IEnumerable<long> Run(Wire w)
    {
        var r = Random;
        w.Pattern = _pattern;
        var query = new byte[512];
        var answer = new byte[1024];
        var t = Start;
        var end = Start + Length;
        var sequence = r.Next(0, 4096);
        var exchange = new UdpExchange { LossRate = 0.01 };
        while (t < end)
        {
            // A burst (data moving) or a quiet poll for commands.
            var burst = r.Chance(0.4);
            // Data moving through DNS is a bulk transfer too: --bulk-scale shrinks the bursts (never below 20 queries).
            var count = burst ? Math.Max(20, (int)(r.Next(50, 600) * Math.Min(1.0, Site.BulkScale * 10))) : 1;
            for (var i = 0; i < count && t < end; i++)
            {
                if (!_bmc.IsUp(t))
                {
                    break;
                }

                var name = new StringBuilder();
                name.Append(r.FromAlphabet(Base32, r.Next(50, 64))).Append('.');
                name.Append(r.FromAlphabet(Base32, r.Next(20, 60))).Append('.');
                name.Append((sequence++ & 0xFFFF).ToString("x4", CultureInfo.InvariantCulture)).Append('.').Append(_domain);
                var ql = DnsMessages.Query(query, (ushort)r.Next(65536), name.ToString(), _type);
                byte[] rdata;
                if (_type == DnsMessages.Txt)
                {
                    rdata = DnsMessages.TxtData(r.FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", r.Next(40, 220)));
                }
                else
                {
                    rdata = new byte[r.Next(60, 220)];
                    r.NextBytes(rdata);
                }

                var al = DnsMessages.Response(answer, query, ql, _type, 0, rdata);
                var q = query.AsMemory(0, ql).ToArray();
                var a = answer.AsMemory(0, al).ToArray();

                // The recursive resolver has to ask the attacker's server: tens of milliseconds.
                foreach (var x in exchange.Run(w, Site, r, _bmc, _port, Site.Dns, 53, q, () => a, t, r.Uniform(15, 80), 2 * SimTime.Second, 1))
                {
                    yield return x;
                }

                t = exchange.Now + (burst ? r.Micros(50_000, 400_000) : 0);
            }

            t += burst ? r.Seconds(5, 60) : r.Seconds(10, 60);
        }
    }
}
