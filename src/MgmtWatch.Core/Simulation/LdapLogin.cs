namespace MgmtWatch.Core.Simulation;

/// <summary>
/// What a BMC does when someone logs in with a directory account (threats.md baseline "LDAP/AD auth …
/// only when a user logs in"): it connects to the directory, binds with its service account, looks the
/// user up, binds as the user to check the password, and unbinds. Cleartext on 389, TLS on 636.
/// </summary>
internal sealed class LdapLogin
{
    public long Now { get; private set; }

    /// <summary>The BMC's source port (for a label row on an attacker's login).</summary>
    public ushort Port { get; private set; }

    public IEnumerable<long> Run(Wire w, Site site, Random r, Bmc bmc, string user, long t, LabelPattern? pattern = null, ushort port = 0)
    {
        Now = t;
        if (site.Ldap is null)
        {
            yield break;
        }

        var previous = w.Pattern;
        w.Pattern = pattern;
        Port = port != 0 ? port : bmc.EphemeralPort(r);
        if (pattern is not null)
        {
            pattern.SourcePort = Port;
        }

        var secrets = RandomStreams.Create(site.Seed, "site/ldap-secret");
        var servicePassword = BmcFactory.Password(secrets);
        var serviceDn = "cn=bmc-bind,ou=services," + site.LdapBaseDn;
        var userDn = "uid=" + user + ",ou=people," + site.LdapBaseDn;
        var tcp = new TcpConnection(bmc, Port, site.Ldap, site.LdapPort, r);
        foreach (var x in tcp.Open(w, r, t))
        {
            yield return x;
        }

        var steps = new List<(byte[] Request, byte[] Response)>
        {
            (LdapMessages.BindRequest(1, serviceDn, servicePassword), LdapMessages.BindResponse(1)),
            (LdapMessages.SearchRequest(2, "ou=people," + site.LdapBaseDn, "uid", user),
                [.. LdapMessages.SearchEntry(2, userDn, user, "cn=bmc-admins,ou=groups," + site.LdapBaseDn), .. LdapMessages.SearchDone(2)]),
            (LdapMessages.BindRequest(3, userDn, BmcFactory.Password(r)), LdapMessages.BindResponse(3)),
        };
        TlsSession? tls = null;
        if (site.LdapPort == 636)
        {
            tls = new TlsSession(tcp);
            foreach (var x in tls.Handshake(w, r, TlsClientProfile.Implant with { Name = "bmc-openssl", SendsSni = true }, site.Ldap.Fqdn(site.Domain), DirectoryCertificate(site), 0x0303, tcp.Now + r.Micros(50, 300), r.Micros(1_000, 4_000)))
            {
                yield return x;
            }
        }

        foreach (var (request, response) in steps)
        {
            var think = r.Micros(300, 4_000);
            var exchange = tls is null
                ? tcp.Exchange(w, r, ByteSource.Of(request), ByteSource.Of(response), tcp.Now + r.Micros(50, 400), think)
                : tls.Exchange(w, r, request.Length, response.Length, tcp.Now + r.Micros(50, 400), think);
            foreach (var x in exchange)
            {
                yield return x;
            }
        }

        var unbind = LdapMessages.Unbind(4);
        var send = tls is null ? tcp.Send(w, r, true, ByteSource.Of(unbind), tcp.Now + r.Micros(50, 300)) : tls.Send(w, r, true, unbind.Length, tcp.Now + r.Micros(50, 300));
        foreach (var x in send)
        {
            yield return x;
        }

        foreach (var x in tcp.Close(w, r, tcp.Now + r.Micros(20, 200)))
        {
            yield return x;
        }

        Now = tcp.Now;
        w.Pattern = previous;
    }

    private static byte[] DirectoryCertificate(Site site)
    {
        var r = RandomStreams.Create(site.Seed, "site/ldap-cert");
        return X509Builder.SelfSigned(r, site.Ldap!.Fqdn(site.Domain), "Example Corp", site.Ldap.Fqdn(site.Domain), ServerKeys.Issuance.AddDays(-200), 2);
    }
}
