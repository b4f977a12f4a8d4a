using System.Text;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// IPMI 2.0 RAKP password-hash harvesting, CVE-2013-4786 (threats.md §1, S2), as Metasploit's
/// <c>auxiliary/scanner/ipmi/ipmi_dumphashes</c> does it: for every user name in its list a new UDP socket
/// and a random console session ID, Open Session Request (RAKP-HMAC-SHA1, no integrity, no
/// confidentiality), RAKP1 with role 0x14, and the RAKP2 whose HMAC over the real password is the prize;
/// never RAKP3. Unknown names get RAKP2 status 0x0D.
/// </summary>
internal sealed class RakpHashHarvest(Site site) : Campaign(site, "rakp-hash-harvest")
{
    private static readonly string[] Users = ["ADMIN", "admin", "root", "Administrator", "USERID", "guest", ""];
    private Host _console = null!;
    private readonly List<Bmc> _targets = [];
    private readonly List<LabelPattern> _patterns = [];

    protected override long NominalLength(long available) => Random.Seconds(60, 900);

    protected override void PrepareTargets()
    {
        _console = Random.Chance(0.6) ? NewLocalHost("rogue-laptop") : NewHostNetworkHost("compromised-srv");
        var count = Random.Chance(0.5) ? 1 : Random.Next(2, Math.Min(8, Site.Bmcs.Count) + 1);
        var start = Random.Next(Site.Bmcs.Count);
        for (var i = 0; i < count; i++)
        {
            var bmc = Site.Bmcs[(start + i) % Site.Bmcs.Count];
            _targets.Add(bmc);
            _patterns.Add(Pattern("udp", _console, null, bmc, 623, $"ipmi_dumphashes from {_console.IpText}: RAKP1/RAKP2 for {Users.Length} user names without RAKP3 (CVE-2013-4786)"));
        }

        Summary = $"{_console.IpText} -> {_targets.Count} BMC(s) from {SimTime.Iso(Start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(Run);

    private IEnumerable<long> Run(Wire w)
    {
        var r = Random;
        var t = Start;
        var buffer = new byte[128];
        for (var b = 0; b < _targets.Count; b++)
        {
            var bmc = _targets[b];
            w.Pattern = _patterns[b];
            var oneWay = r.Micros(80, 300) + (_console.Local ? 0 : r.Micros(200, 500));
            foreach (var user in Users)
            {
                var port = _console.EphemeralPort(r);
                var consoleId = (uint)r.NextInt64(1, uint.MaxValue);
                var bmcId = (uint)r.NextInt64(0x100, uint.MaxValue);
                var n = IpmiMessages.OpenSessionRequestMessage(w.UdpPayload, 0, 0, consoleId, 1, 0, 0);
                yield return w.Udp(t, _console, port, bmc, 623, n);
                if (!bmc.IsUp(t))
                {
                    t += 5 * SimTime.Second; // Metasploit's receive timeout
                    continue;
                }

                t += (2 * oneWay) + (long)(bmc.ProcessingMs * 2 * SimTime.Millisecond);
                n = IpmiMessages.OpenSessionResponseMessage(w.UdpPayload, 0, 0x00, 0x04, consoleId, bmcId, 1, 0, 0);
                yield return w.Udp(t, bmc, 623, _console, port, n);

                var password = IpmiSession.FindPassword(bmc, user);
                using var crypto = new IpmiCrypto(3, user, password ?? "", 0x14) { ConsoleSessionId = consoleId, BmcSessionId = bmcId };
                r.NextBytes(crypto.ConsoleRandom);
                r.NextBytes(crypto.BmcRandom);
                bmc.Guid.CopyTo(crypto.BmcGuid, 0);
                t += r.Micros(200, 2_000);
                n = IpmiMessages.Rakp1Message(w.UdpPayload, 0, bmcId, crypto.ConsoleRandom, 0x14, Encoding.ASCII.GetBytes(user));
                yield return w.Udp(t, _console, port, bmc, 623, n);

                t += (2 * oneWay) + (long)(bmc.ProcessingMs * 4 * SimTime.Millisecond);
                var code = crypto.Rakp2Code(buffer);
                n = IpmiMessages.Rakp2Message(w.UdpPayload, 0, password is null ? (byte)0x0D : (byte)0x00, consoleId, crypto.BmcRandom, crypto.BmcGuid, buffer.AsSpan(0, code));
                yield return w.Udp(t, bmc, 623, _console, port, n);

                // Straight on to the next name: the hash is saved, no RAKP3 is ever sent.
                t += r.Micros(2_000, 60_000);
            }

            t += r.Seconds(0.5, 5);
        }
    }
}
