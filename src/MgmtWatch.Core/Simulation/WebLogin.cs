namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A browser logging in to a BMC's web UI: TCP and TLS to 443 (SNI only when the admin typed a name),
/// the login page, the login POST during which the BMC checks the password against the directory, the
/// answer, and the BMC's syslog line about the login.
/// </summary>
internal sealed class WebLogin
{
    /// <summary>The logged-in connection, or null when the BMC did not answer.</summary>
    public TlsSession? Tls { get; private set; }

    public string? Sni { get; private set; }

    public IEnumerable<long> Run(Wire w, Site site, AdminSession s, Random r, LabelPattern? pattern, LabelPattern? ldapPattern)
    {
        w.Pattern = pattern;
        var bmc = s.Bmc;
        var tcp = new TcpConnection(s.JumpHost, s.JumpHost.EphemeralPort(r), bmc, 443, r);
        foreach (var x in tcp.Open(w, r, s.Start, bmc.IsUp, site: site))
        {
            yield return x;
        }

        if (!tcp.Established)
        {
            yield break;
        }

        Sni = r.Chance(0.5) ? bmc.Fqdn(site.Domain) : null;
        var tls = new TlsSession(tcp);
        foreach (var x in tls.Handshake(w, r, TlsClientProfile.Browser, Sni, ServerKeys.Certificate(site, bmc, tcp.Now), bmc.TlsMaxVersion, tcp.Now + r.Micros(100, 500), (long)(bmc.ProcessingMs * r.Uniform(3, 8) * SimTime.Millisecond)))
        {
            yield return x;
        }

        for (var i = r.Next(2, 5); i > 0; i--)
        {
            foreach (var x in tls.Exchange(w, r, r.Next(350, 800), (long)r.LogNormal(5_000, 1.0), tls.Now + r.Micros(1_000, 40_000), r.Micros(5_000, 80_000)))
            {
                yield return x;
            }
        }

        // Typing the password, then the POST; the BMC asks the directory before it answers.
        foreach (var x in tls.Send(w, r, true, r.Next(400, 700), tls.Now + r.Seconds(3, 15)))
        {
            yield return x;
        }

        var ldap = new LdapLogin();
        if (!s.LocalAccount)
        {
            foreach (var x in ldap.Run(w, site, r, bmc, s.Admin, tls.Now + r.Micros(1_000, 5_000), ldapPattern))
            {
                yield return x;
            }
        }

        foreach (var x in tls.Send(w, r, false, r.Next(300, 1_200), Math.Max(ldap.Now, tls.Now) + r.Micros(2_000, 20_000)))
        {
            yield return x;
        }

        if (pattern is null)
        {
            yield return SyslogClient.Send(w, site, bmc, tls.Now + r.Micros(1_000, 50_000), 4, 6, "webserver", SyslogClient.LoginText(bmc, s.Admin, s.JumpHost, "GUI"));
        }

        Tls = tls;
    }
}
