using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// An administrator's session from a jump host (threats.md baseline "Web UI / KVM / virtual media",
/// "SSH / SMASH-CLP"): SSH with interactive timing, the web UI over HTTPS (several browser connections,
/// periodic XHR refreshes), the remote console (RFB on 5900 or the vendor's TLS console port), virtual
/// media (a large client-to-BMC stream), a manual ipmitool command, or a firmware upload in the change
/// window. Directory logins make the BMC bind to LDAP; the BMC logs the login to syslog.
/// </summary>
internal static class AdminActivity
{
    public static IEnumerable<long> Run(Wire w, Scheduler scheduler, Site site, AdminSession s, LabelPattern? pattern = null, LabelPattern? ldapPattern = null)
    {
        var r = RandomStreams.Create(site.TrafficSeed, "admin/" + s.Index.ToString(CultureInfo.InvariantCulture) + "/" + s.Kind.ToString());
        w.Pattern = pattern;
        var body = s.Kind switch
        {
            AdminSessionKind.Ssh => Ssh(w, site, s, r, ldapPattern),
            AdminSessionKind.Ipmitool => Ipmitool(w, site, s, r, pattern),
            AdminSessionKind.Kvm => Console(w, scheduler, site, s, r, pattern, ldapPattern),
            AdminSessionKind.VirtualMedia => VirtualMedia(w, scheduler, site, s, r, pattern, ldapPattern),
            AdminSessionKind.FirmwareUpdate => Firmware(w, site, s, r, pattern, ldapPattern),
            _ => Web(w, scheduler, site, s, r, s.Duration, pattern, ldapPattern),
        };
        foreach (var x in body)
        {
            yield return x;
        }
    }

    private static IEnumerable<long> Ssh(Wire w, Site site, AdminSession s, Random r, LabelPattern? ldapPattern)
    {
        var bmc = s.Bmc;
        var tcp = new TcpConnection(s.JumpHost, s.JumpHost.EphemeralPort(r), bmc, 22, r);
        foreach (var x in tcp.Open(w, r, s.Start, bmc.IsUp))
        {
            yield return x;
        }

        if (!tcp.Established)
        {
            yield break;
        }

        var client = s.JumpHost.InitialTtl == 128 ? (r.Chance(0.5) ? "SSH-2.0-PuTTY_Release_0.78" : "SSH-2.0-OpenSSH_for_Windows_8.1") : "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3";
        var hostKey = ServerKeys.SshHostKey(site, bmc, tcp.Now);
        var steps = new (bool FromClient, byte[] Bytes, long Delay)[]
        {
            (false, SshMessages.Banner(bmc.SshBanner), r.Micros(2_000, 20_000)),
            (true, SshMessages.Banner(client), r.Micros(200, 2_000)),
            (true, SshMessages.KexInit(r, true, client), r.Micros(100, 500)),
            (false, SshMessages.KexInit(r, false, bmc.SshBanner), r.Micros(1_000, 5_000)),
            (true, SshMessages.EcdhInit(r), r.Micros(200, 1_000)),
            (false, [.. SshMessages.EcdhReply(r, hostKey), .. SshMessages.NewKeys(r)], (long)(bmc.ProcessingMs * r.Uniform(2, 6) * SimTime.Millisecond)),
            (true, SshMessages.NewKeys(r), r.Micros(200, 1_000)),
        };
        foreach (var (fromClient, bytes, delay) in steps)
        {
            foreach (var x in tcp.Send(w, r, fromClient, ByteSource.Of(bytes), tcp.Now + delay))
            {
                yield return x;
            }
        }

        // Encrypted from here: service request/accept, password authentication (checked against LDAP),
        // channel open, pty and shell requests, then typing.
        foreach (var x in Encrypted(w, r, tcp, true, 17 + 4, r.Micros(300, 1_000)))
        {
            yield return x;
        }

        foreach (var x in Encrypted(w, r, tcp, false, 17 + 4, r.Micros(500, 3_000)))
        {
            yield return x;
        }

        var user = s.Admin;
        foreach (var x in Encrypted(w, r, tcp, true, 60 + user.Length, SimTime.FromSeconds(r.Uniform(1.5, 6))))
        {
            yield return x;
        }

        var ldap = new LdapLogin();
        if (!s.LocalAccount)
        {
            foreach (var x in ldap.Run(w, site, r, bmc, user, tcp.Now + r.Micros(500, 3_000), ldapPattern))
            {
                yield return x;
            }
        }

        foreach (var x in Encrypted(w, r, tcp, false, 1, Math.Max(ldap.Now - tcp.Now, 0) + r.Micros(1_000, 8_000)))
        {
            yield return x;
        }

        if (ldapPattern is null)
        {
            yield return SyslogClient.Send(w, site, bmc, tcp.Now + r.Micros(1_000, 30_000), 4, 6, "sshd", SyslogClient.LoginText(bmc, user, s.JumpHost, "SSH"));
        }

        foreach (var (fromClient, size) in new[] { (true, 40), (false, 20), (true, 60), (true, 20), (false, 40), (false, 600) })
        {
            foreach (var x in Encrypted(w, r, tcp, fromClient, size, r.Micros(500, 5_000)))
            {
                yield return x;
            }
        }

        var end = s.Start + s.Duration;
        while (tcp.Now < end && bmc.IsUp(tcp.Now + SimTime.Minute))
        {
            // A command: keystrokes 80–300 ms apart each echoed, Enter, output, then a pause to read.
            var keys = r.Next(4, 40);
            for (var k = 0; k < keys; k++)
            {
                foreach (var x in Encrypted(w, r, tcp, true, 1 + 4 + 4 + 1, r.Micros(80_000, 300_000)))
                {
                    yield return x;
                }

                foreach (var x in Encrypted(w, r, tcp, false, 1 + 4 + 4 + 1, r.Micros(500, 3_000)))
                {
                    yield return x;
                }
            }

            foreach (var x in Encrypted(w, r, tcp, false, (int)Math.Min(30_000, r.LogNormal(600, 1.2)), r.Micros(5_000, 400_000)))
            {
                yield return x;
            }

            foreach (var x in tcp.FlushAcks(w))
            {
                yield return x;
            }

            // Reading the output before the next command.
            tcp.Advance(SimTime.FromSeconds(r.Exponential(25)));
        }

        foreach (var x in Encrypted(w, r, tcp, true, 40, r.Micros(500, 3_000)))
        {
            yield return x;
        }

        foreach (var x in tcp.Close(w, r, tcp.Now + r.Micros(1_000, 20_000), clientFirst: false))
        {
            yield return x;
        }
    }

    /// <summary>One encrypted SSH packet (chacha20-poly1305 framing) with <paramref name="payload"/> bytes, after <paramref name="delay"/>.</summary>
    private static IEnumerable<long> Encrypted(Wire w, Random r, TcpConnection tcp, bool fromClient, int payload, long delay)
    {
        var length = SshMessages.EncryptedLength(payload);
        return tcp.Send(w, r, fromClient, new NoiseStream(length, r.NextInt64()), tcp.Now + delay);
    }

    private static IEnumerable<long> Ipmitool(Wire w, Site site, AdminSession s, Random r, LabelPattern? pattern)
    {
        var bmc = s.Bmc;
        var admin = bmc.Users[0];
        List<IpmiCommand> commands = r.Next(4) switch
        {
            0 => [IpmiCommands.GetChassisStatus()],
            1 => IpmiCommands.SelScan(bmc, 20),
            2 => [IpmiCommands.GetDeviceId()],
            _ => IpmiCommands.SdrList(bmc),
        };
        using var session = new IpmiSession
        {
            Site = site,
            Console = s.JumpHost,
            ConsolePort = s.JumpHost.EphemeralPort(r),
            Bmc = bmc,
            Style = IpmiClientStyle.Ipmitool,
            User = admin.User,
            Password = admin.Password,
            Suite = bmc.SupportsSuite17 ? 17 : 3,
            Commands = commands,
            Pattern = pattern,
        };
        foreach (var x in session.Run(w, r, s.Start))
        {
            yield return x;
        }
    }

    /// <summary>The web UI: login (LDAP), page load on the main and extra browser connections, XHR refreshes until <paramref name="duration"/>.</summary>
    private static IEnumerable<long> Web(Wire w, Scheduler scheduler, Site site, AdminSession s, Random r, long duration, LabelPattern? pattern, LabelPattern? ldapPattern)
    {
        var login = new WebLogin();
        foreach (var x in login.Run(w, site, s, r, pattern, ldapPattern))
        {
            yield return x;
        }

        if (login.Tls is not { } tls)
        {
            yield break;
        }

        // The browser opens a few more connections for scripts and images.
        var extra = r.Next(1, 4);
        for (var i = 0; i < extra; i++)
        {
            var index = i;
            var at = tls.Now + r.Micros(5_000, 60_000);
            scheduler.Spawn(cw => BrowserConnection(cw, site, s, RandomStreams.Create(site.TrafficSeed, "admin/" + s.Index.ToString(CultureInfo.InvariantCulture) + "/extra/" + index.ToString(CultureInfo.InvariantCulture)), at, r.Next(3, 15), login.Sni, pattern));
        }

        var end = s.Start + duration;
        foreach (var x in PageLoad(w, r, tls, r.Next(4, 12)))
        {
            yield return x;
        }

        // Dashboards refresh sensor and health data by XHR every 5–30 s while the tab is open.
        var refresh = r.Seconds(5, 30);
        while (tls.Now + refresh < end && s.Bmc.IsUp(tls.Now + refresh))
        {
            foreach (var x in tls.Exchange(w, r, r.Next(300, 700), r.Next(400, 4_000), tls.Now + refresh + r.Micros(0, 500_000), Think(s.Bmc, r)))
            {
                yield return x;
            }

            if (r.Chance(0.1))
            {
                foreach (var x in PageLoad(w, r, tls, r.Next(2, 8)))
                {
                    yield return x;
                }
            }
        }

        if (s.Bmc.IsUp(tls.Now + SimTime.Second))
        {
            // Logout, then the browser's connection is closed by the BMC's idle timer.
            foreach (var x in tls.Exchange(w, r, r.Next(300, 600), r.Next(100, 300), tls.Now + r.Seconds(1, 10), Think(s.Bmc, r)))
            {
                yield return x;
            }

            foreach (var x in tls.Tcp.Close(w, r, tls.Now + r.Seconds(5, 60), clientFirst: false))
            {
                yield return x;
            }
        }
    }

    private static IEnumerable<long> PageLoad(Wire w, Random r, TlsSession tls, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            foreach (var x in tls.Exchange(w, r, r.Next(350, 900), (long)r.LogNormal(6_000, 1.0), tls.Now + r.Micros(500, 30_000), r.Micros(5_000, 120_000)))
            {
                yield return x;
            }
        }
    }

    private static IEnumerable<long> BrowserConnection(Wire w, Site site, AdminSession s, Random r, long t, int requests, string? sni, LabelPattern? pattern)
    {
        w.Pattern = pattern;
        var tcp = new TcpConnection(s.JumpHost, s.JumpHost.EphemeralPort(r), s.Bmc, 443, r);
        foreach (var x in tcp.Open(w, r, t, s.Bmc.IsUp))
        {
            yield return x;
        }

        if (!tcp.Established)
        {
            yield break;
        }

        var tls = new TlsSession(tcp);
        foreach (var x in tls.Handshake(w, r, TlsClientProfile.Browser, sni, ServerKeys.Certificate(site, s.Bmc, tcp.Now), s.Bmc.TlsMaxVersion, tcp.Now + r.Micros(100, 500), (long)(s.Bmc.ProcessingMs * r.Uniform(3, 8) * SimTime.Millisecond)))
        {
            yield return x;
        }

        foreach (var x in PageLoad(w, r, tls, requests))
        {
            yield return x;
        }

        foreach (var x in tcp.Close(w, r, tcp.Now + r.Seconds(10, 90), clientFirst: false))
        {
            yield return x;
        }
    }

    /// <summary>The remote console: a short web session to launch it, then the console stream.</summary>
    private static IEnumerable<long> Console(Wire w, Scheduler scheduler, Site site, AdminSession s, Random r, LabelPattern? pattern, LabelPattern? ldapPattern)
    {
        var bmc = s.Bmc;
        foreach (var x in Web(w, scheduler, site, s, r, r.Seconds(20, 60), pattern, ldapPattern))
        {
            yield return x;
        }

        var start = w.Time + r.Micros(500_000, 3_000_000);
        var tcp = new TcpConnection(s.JumpHost, s.JumpHost.EphemeralPort(r), bmc, bmc.KvmPort, r);
        foreach (var x in tcp.Open(w, r, start, bmc.IsUp))
        {
            yield return x;
        }

        if (!tcp.Established)
        {
            yield break;
        }

        var end = Math.Max(start + s.Duration, start + SimTime.Minute);
        var volume = r.Uniform(10, 80) * 1_048_576 * site.BulkScale;
        var meanRate = volume / ((end - start) / (double)SimTime.Second);
        const int Width = 1024;
        const int Height = 768;
        TlsSession? tls = null;
        if (bmc.KvmIsRfb)
        {
            var steps = new (bool FromClient, byte[] Bytes)[]
            {
                (false, RfbMessages.Version), (true, RfbMessages.Version), (false, RfbMessages.SecurityTypes), (true, [2]),
                (false, Random16(r)), (true, Random16(r)), (false, RfbMessages.SecurityResultOk), (true, RfbMessages.ClientInit),
                (false, RfbMessages.ServerInit(Width, Height, bmc.Name)), (true, RfbMessages.ClientSetup(Width, Height)),
            };
            foreach (var (fromClient, bytes) in steps)
            {
                foreach (var x in tcp.Send(w, r, fromClient, ByteSource.Of(bytes), tcp.Now + r.Micros(300, 8_000)))
                {
                    yield return x;
                }
            }
        }
        else
        {
            tls = new TlsSession(tcp);
            foreach (var x in tls.Handshake(w, r, TlsClientProfile.Java, null, ServerKeys.Certificate(site, bmc, tcp.Now), 0x0303, tcp.Now + r.Micros(100, 500), (long)(bmc.ProcessingMs * 5 * SimTime.Millisecond)))
            {
                yield return x;
            }
        }

        // Screen updates: frames every 30–200 ms while something changes, quiet spells in between;
        // keystrokes and mouse moves go the other way.
        var salt = r.NextInt64();
        while (tcp.Now < end && bmc.IsUp(tcp.Now + SimTime.Second))
        {
            var busy = r.Chance(0.6);
            var spell = tcp.Now + r.Seconds(2, 30);
            while (tcp.Now < spell && tcp.Now < end)
            {
                var interval = busy ? r.Micros(30_000, 200_000) : r.Micros(500_000, 3_000_000);
                var bytes = Math.Max(64, (long)r.Exponential(meanRate * (interval / (double)SimTime.Second) * (busy ? 1.6 : 0.2)));
                if (bmc.KvmIsRfb)
                {
                    var rows = (int)Math.Clamp(bytes / (4 * 64), 1, Height);
                    var update = new RfbUpdateStream(r.Next(0, Width - 64), r.Next(0, Height - rows + 1), 64, rows, salt++);
                    foreach (var x in tcp.Send(w, r, false, update, tcp.Now + interval, 40_000_000))
                    {
                        yield return x;
                    }

                    foreach (var x in tcp.Send(w, r, true, ByteSource.Of(RfbMessages.UpdateRequest(true, Width, Height)), tcp.Now + r.Micros(500, 3_000)))
                    {
                        yield return x;
                    }
                }
                else
                {
                    foreach (var x in tls!.Send(w, r, false, bytes, tcp.Now + interval, 40_000_000))
                    {
                        yield return x;
                    }
                }

                if (r.Chance(busy ? 0.3 : 0.05))
                {
                    var input = bmc.KvmIsRfb
                        ? (r.Chance(0.5) ? RfbMessages.KeyEvent(true, (uint)r.Next(0x61, 0x7B)) : RfbMessages.PointerEvent(0, r.Next(Width), r.Next(Height)))
                        : null;
                    var send = input is not null
                        ? tcp.Send(w, r, true, ByteSource.Of(input), tcp.Now + r.Micros(1_000, 50_000))
                        : tls!.Send(w, r, true, r.Next(10, 40), tcp.Now + r.Micros(1_000, 50_000));
                    foreach (var x in send)
                    {
                        yield return x;
                    }
                }
            }
        }

        if (bmc.IsUp(tcp.Now + SimTime.Second))
        {
            foreach (var x in tcp.Close(w, r, tcp.Now + r.Micros(10_000, 500_000)))
            {
                yield return x;
            }
        }
    }

    /// <summary>Virtual media: the BMC reads an ISO image block by block from the client.</summary>
    private static IEnumerable<long> VirtualMedia(Wire w, Scheduler scheduler, Site site, AdminSession s, Random r, LabelPattern? pattern, LabelPattern? ldapPattern)
    {
        var bmc = s.Bmc;
        foreach (var x in Web(w, scheduler, site, s, r, r.Seconds(20, 60), pattern, ldapPattern))
        {
            yield return x;
        }

        var tcp = new TcpConnection(s.JumpHost, s.JumpHost.EphemeralPort(r), bmc, bmc.VirtualMediaPort, r);
        foreach (var x in tcp.Open(w, r, w.Time + r.Micros(500_000, 3_000_000), bmc.IsUp))
        {
            yield return x;
        }

        if (!tcp.Established)
        {
            yield break;
        }

        TlsSession? tls = null;
        if (bmc.VirtualMediaPort == 443)
        {
            tls = new TlsSession(tcp);
            foreach (var x in tls.Handshake(w, r, TlsClientProfile.Browser, null, ServerKeys.Certificate(site, bmc, tcp.Now), bmc.TlsMaxVersion, tcp.Now + r.Micros(100, 500), (long)(bmc.ProcessingMs * 5 * SimTime.Millisecond)))
            {
                yield return x;
            }
        }
        else
        {
            // The vendor protocol's login (a short client message, a short answer).
            foreach (var x in tcp.Exchange(w, r, new NoiseStream(r.Next(48, 160), r.NextInt64()), new NoiseStream(r.Next(16, 64), r.NextInt64()), tcp.Now + r.Micros(1_000, 10_000), r.Micros(2_000, 20_000)))
            {
                yield return x;
            }
        }

        var end = s.Start + s.Duration;
        var volume = (long)(r.Uniform(50, 300) * 1_048_576 * site.BulkScale);
        long sent = 0;
        while (sent < volume && tcp.Now < end && bmc.IsUp(tcp.Now + SimTime.Second))
        {
            // A burst of block reads (the installer reading files), then a pause.
            var burst = Math.Min(volume - sent, (long)r.Exponential(4 * 1_048_576) + 65_536);
            var request = tls is null
                ? tcp.Send(w, r, false, new NoiseStream(31, r.NextInt64()), tcp.Now + r.Micros(200, 5_000))
                : tls.Send(w, r, false, 31, tcp.Now + r.Micros(200, 5_000));
            foreach (var x in request)
            {
                yield return x;
            }

            var data = tls is null
                ? tcp.Send(w, r, true, new NoiseStream(burst, r.NextInt64()), tcp.Now + r.Micros(300, 2_000), r.Uniform(5, 20) * 1_048_576)
                : tls.Send(w, r, true, burst, tcp.Now + r.Micros(300, 2_000), r.Uniform(5, 20) * 1_048_576);
            foreach (var x in data)
            {
                yield return x;
            }

            sent += burst;
            tcp.Advance(r.Seconds(0.5, 20));
        }

        if (bmc.IsUp(tcp.Now + SimTime.Second))
        {
            foreach (var x in tcp.Close(w, r, tcp.Now + r.Micros(10_000, 2_000_000)))
            {
                yield return x;
            }
        }
    }

    /// <summary>A firmware image uploaded through the web UI, after which the BMC flashes and reboots (its outage is planned).</summary>
    private static IEnumerable<long> Firmware(Wire w, Site site, AdminSession s, Random r, LabelPattern? pattern, LabelPattern? ldapPattern)
    {
        var login = new WebLogin();
        foreach (var x in login.Run(w, site, s, r, pattern, ldapPattern))
        {
            yield return x;
        }

        if (login.Tls is not { } tls)
        {
            yield break;
        }

        var outage = s.Bmc.NextOutage(s.Start);
        var deadline = outage is null ? s.Start + s.Duration : outage.DownAt - r.Seconds(3, 5);
        var size = s.Bytes > 0 ? s.Bytes : (long)(r.Uniform(16, 64) * 1_048_576 * site.BulkScale);
        var seconds = Math.Max(1.0, (deadline - tls.Now - SimTime.Second) / (double)SimTime.Second);
        foreach (var x in tls.Send(w, r, true, size, tls.Now + r.Micros(200_000, 900_000), size / seconds))
        {
            yield return x;
        }

        // The BMC verifies the image and answers before it goes away to flash.
        foreach (var x in tls.Send(w, r, false, r.Next(200, 600), Math.Min(tls.Now + r.Seconds(0.5, 2), deadline)))
        {
            yield return x;
        }
    }

    private static byte[] Random16(Random r)
    {
        var b = new byte[16];
        r.NextBytes(b);
        return b;
    }

    private static long Think(Bmc bmc, Random r) => (long)(r.LogNormal(80, 0.7) * SimTime.Millisecond * (bmc.ProcessingMs / 6));
}
