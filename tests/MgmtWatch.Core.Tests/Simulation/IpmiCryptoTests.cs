using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Simulation;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Simulation;

/// <summary>
/// The simulator's RMCP+ sessions are byte-exact: parsed back from the capture, the RAKP2 and RAKP3
/// HMACs, the RAKP4 integrity check value and every in-session AuthCode equal an independent computation
/// (System.Security.Cryptography over the fields as IPMI v2.0 §13.31–13.32 orders them), and every
/// encrypted payload decrypts with an independently derived K2 into well-formed IPMI messages.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "IPMI cipher suite 3 is HMAC-SHA1 by definition")]
public class IpmiCryptoTests
{
    private const string User = "monitor";
    private const string Password = "s3cret-Pa55";

    [Theory]
    [InlineData(3, "FreeIpmi")]
    [InlineData(17, "Ipmitool")]
    [InlineData(3, "OpenIpmi")]
    [InlineData(17, "FreeIpmi")]
    public void SessionSetUpAndEncryptedCommandsVerifyIndependently(int suite, string client)
    {
        var style = Enum.Parse<IpmiClientStyle>(client);
        var packets = OneSession(suite, style);
        var sha256 = suite == 17;
        var consoleToBmc = packets.Where(p => p.DstPort == 623).Select(p => p.Payload).ToList();
        var bmcToConsole = packets.Where(p => p.SrcPort == 623).Select(p => p.Payload).ToList();

        byte[] Find(List<byte[]> list, byte type) => list.Single(p => p.Length > 16 && p[4] == 0x06 && p[5] == type);
        var open = Find(consoleToBmc, 0x10);
        var openResponse = Find(bmcToConsole, 0x11);
        var rakp1 = Find(consoleToBmc, 0x12);
        var rakp2 = Find(bmcToConsole, 0x13);
        var rakp3 = Find(consoleToBmc, 0x14);
        var rakp4 = Find(bmcToConsole, 0x15);

        // Open Session (§13.17/13.18): the algorithms of the suite, offered and echoed.
        byte[] algorithms = sha256 ? [3, 4, 1] : [1, 1, 1];
        Assert.Equal(algorithms, new[] { open[28], open[36], open[44] });
        Assert.Equal(algorithms, new[] { openResponse[32], openResponse[40], openResponse[48] });
        Assert.Equal(0, openResponse[17]);
        var sidC = open.AsSpan(20, 4).ToArray();
        Assert.Equal(sidC, openResponse.AsSpan(20, 4).ToArray());
        if (style == IpmiClientStyle.Ipmitool)
        {
            Assert.Equal<byte[]>([0xA4, 0xA3, 0xA2, 0xA0], sidC);
        }

        var sidM = openResponse.AsSpan(24, 4).ToArray();

        // RAKP1 (§13.20) and RAKP2 (§13.21).
        Assert.Equal(sidM, rakp1.AsSpan(20, 4).ToArray());
        var rc = rakp1.AsSpan(24, 16).ToArray();
        var role = rakp1[40];
        var ulen = rakp1[43];
        var name = rakp1.AsSpan(44, ulen).ToArray();
        Assert.Equal(User, Encoding.ASCII.GetString(name));
        Assert.Equal(sha256 ? 72 : 60, BinaryPrimitives.ReadUInt16LittleEndian(rakp2.AsSpan(14)));
        var rm = rakp2.AsSpan(24, 16).ToArray();
        var guid = rakp2.AsSpan(40, 16).ToArray();
        var kuid = Encoding.ASCII.GetBytes(Password);
        var expected2 = Hmac(sha256, kuid, [.. sidC, .. sidM, .. rc, .. rm, .. guid, role, ulen, .. name]);
        Assert.Equal(expected2, rakp2.AsSpan(56).ToArray());

        // RAKP3 (§13.22), SIK (§13.31), RAKP4 (§13.23).
        Assert.Equal(Hmac(sha256, kuid, [.. rm, .. sidC, role, ulen, .. name]), rakp3.AsSpan(24).ToArray());
        var sik = Hmac(sha256, kuid, [.. rc, .. rm, role, ulen, .. name]);
        var icvLength = sha256 ? 16 : 12;
        Assert.Equal(Hmac(sha256, sik, [.. rc, .. sidM, .. guid]).AsSpan(0, icvLength).ToArray(), rakp4.AsSpan(24).ToArray());

        // K1, K2 (§13.32) and every in-session packet (§13.6, §13.28.4, §13.29).
        var k1 = Hmac(sha256, sik, Enumerable.Repeat((byte)0x01, 20).ToArray());
        var k2 = Hmac(sha256, sik, Enumerable.Repeat((byte)0x02, 20).ToArray());
        using var aes = Aes.Create();
        aes.Key = k2[..16];
        var inSession = packets.Where(p => p.Payload.Length > 6 && p.Payload[4] == 0x06 && p.Payload[5] == 0xC0).ToList();
        Assert.True(inSession.Count >= 6, $"{inSession.Count} in-session packets");
        uint expectedConsoleSeq = 1, expectedBmcSeq = 1;
        var commands = new List<byte>();
        foreach (var p in inSession)
        {
            var b = p.Payload;
            var toBmc = p.DstPort == 623;
            Assert.Equal(toBmc ? sidM : sidC, b.AsSpan(6, 4).ToArray());
            Assert.Equal(toBmc ? expectedConsoleSeq++ : expectedBmcSeq++, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(10)));
            var length = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(14));
            var authStart = b.Length - icvLength;
            Assert.Equal(Hmac(sha256, k1, b[4..authStart]).AsSpan(0, icvLength).ToArray(), b[authStart..]);
            Assert.Equal(0x07, b[authStart - 1]);
            var pad = b[authStart - 2];
            Assert.Equal(16 + length + pad + 2, authStart);
            Assert.Equal(0, (authStart - 4) % 4);
            Assert.All(b[(16 + length)..(16 + length + pad)], x => Assert.Equal(0xFF, x));

            var plain = aes.DecryptCbc(b.AsSpan(32, length - 16), b.AsSpan(16, 16), PaddingMode.None);
            var confPad = plain[^1];
            for (var i = 0; i < confPad; i++)
            {
                Assert.Equal(i + 1, plain[plain.Length - 1 - confPad + i]);
            }

            var message = plain[..(plain.Length - 1 - confPad)];
            Assert.Equal(0, (byte)(message[0] + message[1] + message[2]));                          // checksum 1
            Assert.Equal(0, message.Skip(3).Aggregate(0, (s, x) => s + x) & 0xFF);                 // checksum 2
            Assert.Equal(toBmc ? 0x20 : 0x81, message[0]);
            if (toBmc)
            {
                commands.Add(message[5]);
            }
            else
            {
                Assert.Equal(0, message[6]); // completion code: success
            }
        }

        Assert.Equal(0x3B, commands[0]); // Set Session Privilege Level first
        Assert.Equal(0x3C, commands[^1]); // Close Session last
    }

    [Fact]
    public void HashHarvestRakp2CarriesTheRealPasswordHmacAndNoRakp3Follows()
    {
        var options = new SimulationOptions
        {
            Seed = 5,
            Bmcs = 3,
            Pollers = 1,
            Duration = TimeSpan.FromMinutes(30),
            Attacks = ["rakp-hash-harvest"],
            AttackStart = TimeSpan.FromMinutes(1),
        };
        var site = SiteBuilder.Build(options);
        var (pcap, labels, _) = Simulated.Write(options);
        var rows = LabelsFile.Read(labels);
        var console = rows[0].SourceIp;
        var packets = Read(pcap).Where(p => p.Src == console || p.Dst == console).ToList();
        var rakp1s = packets.Where(p => p.Payload.Length > 16 && p.Payload[5] == 0x12).ToList();
        Assert.Equal(7 * rows.Count, rakp1s.Count);
        Assert.DoesNotContain(packets, p => p.Payload.Length > 16 && p.Payload[5] == 0x14);

        var cracked = 0;
        foreach (var r1 in rakp1s)
        {
            // Pair the messages by session IDs (two names may draw the same source port).
            var target = r1.Dst;
            bool Same(byte[] x, int at, byte[] y, int from) => x.AsSpan(at, 4).SequenceEqual(y.AsSpan(from, 4));
            var response = packets.Single(p => p.Src == target && p.Payload[5] == 0x11 && Same(p.Payload, 24, r1.Payload, 20)).Payload;
            var open = packets.Single(p => p.Dst == target && p.Payload[5] == 0x10 && Same(p.Payload, 20, response, 20)).Payload;
            var r2 = packets.Single(p => p.Src == target && p.Payload[5] == 0x13 && Same(p.Payload, 20, response, 20)).Payload;
            Assert.Equal(1, open[28]); // RAKP-HMAC-SHA1, as Metasploit asks
            var name = Encoding.ASCII.GetString(r1.Payload.AsSpan(44, r1.Payload[43]));
            var bmc = site.Bmcs.Single(b => b.IpText == r1.Dst);
            var password = bmc.Users.Where(u => u.User == name).Select(u => u.Password).FirstOrDefault();
            if (password is null)
            {
                Assert.Equal(0x0D, r2[17]); // unauthorized name
                continue;
            }

            Assert.Equal(0x00, r2[17]);
            byte[] salt = [.. open.AsSpan(20, 4), .. response.AsSpan(24, 4), .. r1.Payload.AsSpan(24, 16), .. r2.AsSpan(24, 32), 0x14, (byte)name.Length, .. Encoding.ASCII.GetBytes(name)];
            Assert.Equal(HMACSHA1.HashData(Encoding.ASCII.GetBytes(password), salt), r2.AsSpan(56, 20).ToArray());
            cracked++;
        }

        Assert.True(cracked >= rows.Count, "every BMC has at least its vendor's default administrator in the word list");
    }

    private static byte[] Hmac(bool sha256, byte[] key, byte[] data) => sha256 ? HMACSHA256.HashData(key, data) : HMACSHA1.HashData(key, data);

    /// <summary>Runs one polling session through the real scheduler into a pcap and reads its UDP payloads back.</summary>
    private static List<Udp> OneSession(int suite, IpmiClientStyle style)
    {
        var site = SiteBuilder.Build(new SimulationOptions { Seed = 77, Bmcs = 2, Pollers = 1 });
        var bmc = site.Bmcs[0];
        var scheduler = new Scheduler(site.Start, site.End);
        var path = TempFiles.Create(".pcap");
        var testBmc = new Bmc(bmc.Name, bmc.Ip, bmc.Mac, true)
        {
            Vendor = bmc.Vendor,
            Index = 99,
            Serial = bmc.Serial,
            Guid = bmc.Guid,
            Users = [(User, Password)],
            SupportsSuite17 = true,
            LanChannel = 1,
            AuthTypeSupport = 0x80,
            LoginStatus = 0x04,
            SensorCount = 6,
            SelEntries = 3,
            SshBanner = "x",
            CertificateName = "x",
            CertificateOrganization = "x",
            TlsMaxVersion = 0x0303,
            KvmPort = 5900,
            KvmIsRfb = true,
            VirtualMediaPort = 623,
            NtpFromPort123 = true,
            SnmpEngineId = bmc.SnmpEngineId,
            SysDescr = "x",
            SysObjectId = "1.3.6.1.4.1.1",
            ProcessingMs = 3,
        };
        scheduler.Spawn(w => Session(w, site, testBmc, suite, style));
        using (var writer = new PcapFileWriter(path, LinkType.Ethernet))
        {
            scheduler.Run(writer, CaptureFileReader.MaxPacketLength, null, CancellationToken.None);
        }

        return Read(path);
    }

    private static IEnumerable<long> Session(Wire w, Site site, Bmc bmc, int suite, IpmiClientStyle style)
    {
        using var session = new IpmiSession
        {
            Site = site,
            Console = site.Pollers[0],
            ConsolePort = 40_000,
            Bmc = bmc,
            Style = style,
            User = User,
            Password = Password,
            Suite = suite,
            Commands = [IpmiCommands.GetDeviceId(), .. IpmiCommands.SensorScan(bmc, 6), IpmiCommands.DcmiPowerReading()],
            LossRate = 0,
        };
        foreach (var x in session.Run(w, new Random(1), site.Start + 1_000))
        {
            yield return x;
        }
    }

    internal sealed record Udp(string Src, ushort SrcPort, string Dst, ushort DstPort, byte[] Payload);

    internal static List<Udp> Read(string path)
    {
        var list = new List<Udp>();
        using var reader = CaptureFileReader.Open(path, 0, out _)!;
        while (reader.MoveNext())
        {
            var d = reader.Data;
            if (d.Length < 42 || d[12] != 0x08 || d[13] != 0x00 || d[23] != 17)
            {
                continue;
            }

            var src = new System.Net.IPAddress(d.Slice(26, 4)).ToString();
            var dst = new System.Net.IPAddress(d.Slice(30, 4)).ToString();
            var udpLength = BinaryPrimitives.ReadUInt16BigEndian(d[38..]);
            list.Add(new Udp(src, BinaryPrimitives.ReadUInt16BigEndian(d[34..]), dst, BinaryPrimitives.ReadUInt16BigEndian(d[36..]), d.Slice(42, udpLength - 8).ToArray()));
        }

        return list;
    }
}
