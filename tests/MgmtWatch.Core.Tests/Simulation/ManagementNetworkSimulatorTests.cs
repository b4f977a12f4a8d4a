using System.Net;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Simulation;
using MgmtWatch.Core.Tests.Support;
using PacketDotNet;

namespace MgmtWatch.Core.Tests.Simulation;

/// <summary>
/// The simulator end to end: deterministic bytes, a different site per seed, frames that PacketDotNet and
/// the real pipeline decode cleanly, and ground truth that is exact — every label row matches flows the
/// pipeline builds, and no flow of normal behaviour matches any row.
/// </summary>
public class ManagementNetworkSimulatorTests
{
    private static SimulationOptions Tiny(int seed, params string[] attacks) => new()
    {
        Seed = seed,
        Bmcs = 4,
        Pollers = 2,
        Start = new DateTimeOffset(2026, 3, 4, 15, 0, 0, TimeSpan.Zero),
        Duration = TimeSpan.FromMinutes(20),
        Attacks = attacks,
        AttackStart = TimeSpan.FromMinutes(2),
        BulkScale = 0.01,
    };

    private static byte[] Bytes(SimulationOptions options, out string labels)
    {
        using var pcap = new MemoryStream();
        var text = new StringWriter();
        ManagementNetworkSimulator.Write(options, pcap, text);
        labels = text.ToString();
        return pcap.ToArray();
    }

    [Fact]
    public void SameOptionsGiveIdenticalBytesAndLabels()
    {
        var a = Bytes(Tiny(21, "rakp-hash-harvest", "implant-beacon"), out var la);
        var b = Bytes(Tiny(21, "rakp-hash-harvest", "implant-beacon"), out var lb);
        Assert.True(a.Length > 10_000);
        Assert.Equal(a, b);
        Assert.Equal(la, lb);
        Assert.Contains("c04-rakp-hash-harvest", la, StringComparison.Ordinal);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentSites()
    {
        var sites = new HashSet<string>(StringComparer.Ordinal);
        var vendorsSeen = new HashSet<BmcVendor>();
        for (var seed = 1; seed <= 8; seed++)
        {
            var site = SiteBuilder.Build(new SimulationOptions { Seed = seed, Bmcs = 12 });
            sites.Add(site.SubnetCidr + " " + site.Domain + " " + site.UtcOffset);
            foreach (var b in site.Bmcs)
            {
                vendorsSeen.Add(b.Vendor);
            }
        }

        Assert.True(sites.Count >= 7, string.Join("; ", sites));
        Assert.Equal(Enum.GetValues<BmcVendor>().Length, vendorsSeen.Count);
        Assert.NotEqual(Bytes(Tiny(1), out _), Bytes(Tiny(2), out _));
    }

    [Fact]
    public void TheSameSeedIsTheSameOrganisationAtAnySize()
    {
        var small = SiteBuilder.Build(new SimulationOptions { Seed = 9, Bmcs = 5 });
        var large = SiteBuilder.Build(new SimulationOptions { Seed = 9, Bmcs = 300, Pollers = 6 });
        Assert.Equal(small.Domain, large.Domain);
        Assert.Equal(small.UtcOffset, large.UtcOffset);
        Assert.Equal(small.Admins, large.Admins);
        Assert.Equal(small.ChangeDay, large.ChangeDay);
    }

    [Fact]
    public void AnotherWindowOfTheSameSiteIsTheSameNetworkButNotAReplay()
    {
        var morning = Tiny(8);
        var evening = new SimulationOptions { Seed = 8, Bmcs = 4, Pollers = 2, Start = morning.Start.AddHours(9), Duration = morning.Duration };
        var a = SiteBuilder.Build(morning);
        var b = SiteBuilder.Build(evening);
        Assert.Equal(a.Bmcs.Select(x => x.IpText + " " + Convert.ToHexString(x.Mac)), b.Bmcs.Select(x => x.IpText + " " + Convert.ToHexString(x.Mac)));
        Assert.NotEqual(a.TrafficSeed, b.TrafficSeed);

        static List<string> Ports(SimulationOptions o) =>
            [.. Analyze.File(Simulated.Write(o).Pcap).Events.Flows.Select(f => $"{f.Orig}:{f.OrigPort}>{f.Resp}:{f.RespPort}").Take(50)];
        Assert.NotEqual(Ports(morning), Ports(evening));
    }

    [Fact]
    public void BmcMacAddressesCarryTheirVendorsOui()
    {
        var ouis = new Dictionary<BmcVendor, string[]>
        {
            [BmcVendor.Supermicro] = ["002590", "AC1F6B", "3CECEF"],
            [BmcVendor.Dell] = ["D09466", "1866DA", "B083FE"],
            [BmcVendor.Hpe] = ["941882", "9CDC71", "1C98EC"],
            [BmcVendor.Lenovo] = ["0894EF", "7CD30A"],
        };
        for (var seed = 1; seed <= 5; seed++)
        {
            foreach (var b in SiteBuilder.Build(new SimulationOptions { Seed = seed, Bmcs = 30 }).Bmcs)
            {
                if (ouis.TryGetValue(b.Vendor, out var allowed))
                {
                    Assert.Contains(Convert.ToHexString(b.Mac, 0, 3), allowed);
                }
            }
        }
    }

    [Fact]
    public void EveryFrameHasValidLengthsAndChecksumsForPacketDotNet()
    {
        var (pcap, _, _) = Simulated.Write(Simulated.SmallAttackSite());
        using var reader = CaptureFileReader.Open(pcap, 0, out var error);
        Assert.True(reader is not null, error?.ToString());
        var ip = 0;
        var number = 0;
        while (reader.MoveNext())
        {
            number++;
            var eth = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, reader.Data.ToArray());
            Assert.Equal(reader.Data.Length, reader.Current.WireLength);
            var packet = new { Number = number, Data = reader.Data.ToArray() };
            if (eth.PayloadPacket is IPv4Packet v4)
            {
                ip++;
                Assert.True(v4.ValidIPChecksum, $"IP checksum, packet {packet.Number}");
                Assert.Equal(packet.Data.Length - 14, v4.TotalLength);
                switch (v4.PayloadPacket)
                {
                    case TcpPacket tcp:
                        Assert.True(tcp.ValidTcpChecksum, $"TCP checksum, packet {packet.Number}");
                        break;
                    case UdpPacket udp:
                        Assert.True(udp.ValidUdpChecksum, $"UDP checksum, packet {packet.Number}");
                        Assert.Equal(v4.TotalLength - 20, udp.Length);
                        break;
                    case IcmpV4Packet icmp:
                        Assert.True(icmp.ValidIcmpChecksum, $"ICMP checksum, packet {packet.Number}");
                        break;
                }
            }
        }

        Assert.True(ip > 10_000, $"{ip} IP packets");
    }

    [Fact]
    public void ThePipelineDecodesEveryFrameWithoutDecodeAnomalies()
    {
        var (pcap, _, result) = Simulated.Write(Simulated.SmallAttackSite());
        var (events, summary) = Analyze.File(pcap);
        Assert.Equal(result.Packets, summary.Packets);
        Assert.DoesNotContain(events.Anomalies, a => a.Layer is not null && a.Layer != "app");
        Assert.Empty(summary.CaptureErrors);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(14)]
    [InlineData(16)]
    [InlineData(19)]
    public void LabelRowsMatchAttackFlowsAndNoNormalFlow(int seed)
    {
        var options = Simulated.SmallAttackSite(seed);
        var (attackPcap, labelsPath, _) = Simulated.Write(options);
        var (normalPcap, _, _) = Simulated.Write(Simulated.Without(options));
        var rows = LabelsFile.Read(labelsPath);
        Assert.Equal(AttackCatalog.Names.Count, rows.Select(r => r.Campaign).Distinct().Count());

        var normal = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in Analyze.File(normalPcap).Events.Flows)
        {
            normal.Add(Key(f));
        }

        // After the malicious flash the rebooted BMC's own schedules restart, so its later flows differ
        // from the attack-free run without being attacks: they only have to stay unlabelled... unless a
        // row names them, which the exact-endpoint rows never do.
        var push = rows.Single(r => r.Attack == "firmware-push-unusual" && r.DestinationIp != "*");
        var flashed = IPAddress.Parse(push.DestinationIp);

        // The flashed BMC comes back with new keys, and the rows naming the first handshake that shows them
        // name whoever connected first: often a poll that the attack-free run has too, with the old keys.
        var newKeys = rows.Where(r => r.Attack == "firmware-push-unusual" && r.DestinationIp == "*").ToList();
        Assert.All(newKeys, r => Assert.Equal(push.DestinationIp, r.SourceIp));

        var matched = new bool[rows.Count];
        var attackFlows = 0;
        foreach (var f in Analyze.File(attackPcap).Events.Flows)
        {
            var hits = Matching(rows, f);
            foreach (var i in hits)
            {
                matched[i] = true;
            }

            if (normal.Contains(Key(f)))
            {
                hits.RemoveAll(i => newKeys.Contains(rows[i]));
                Assert.True(hits.Count == 0, $"normal flow {Describe(f)} matches row {(hits.Count > 0 ? rows[hits[0]].ToCsv() : "")}");
            }
            else if (hits.Count > 0)
            {
                attackFlows++;
            }
            else
            {
                // The flashed BMC's boot-time DHCP runs from 0.0.0.0 to the broadcast address.
                var bootDhcp = f.Orig is "0.0.0.0" or "255.255.255.255" || f.Resp is "0.0.0.0" or "255.255.255.255";
                var afterFlash = (IPAddress.Parse(f.Orig).Equals(flashed) || IPAddress.Parse(f.Resp).Equals(flashed) || bootDhcp) && Time(f.End) >= push.Start;
                Assert.True(afterFlash, $"flow {Describe(f)} is in neither the attack-free capture nor the labels");
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            Assert.True(matched[i], "no flow matches row " + rows[i].ToCsv());
        }

        Assert.True(attackFlows >= rows.Count, $"{attackFlows} attack flows for {rows.Count} rows");
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void EachCampaignAppearsOnlyWhenRequested(string attack)
    {
        var options = Tiny(33, attack);
        var (pcap, labels, result) = Simulated.Write(options);
        var rows = LabelsFile.Read(labels);
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(AttackCatalog.CampaignId(attack), r.Campaign));
        var flows = Analyze.File(pcap).Events.Flows;
        Assert.All(rows, r => Assert.Contains(flows, f => Matching([r], f).Count > 0));
        Assert.Contains("campaign " + AttackCatalog.CampaignId(attack), result.Summary, StringComparison.Ordinal);
    }

    public static TheoryData<string> Attacks()
    {
        var data = new TheoryData<string>();
        foreach (var a in AttackCatalog.Names)
        {
            data.Add(a);
        }

        return data;
    }

    [Fact]
    public void WithoutAttacksEveryFlowIsBetweenTheSitesOwnHosts()
    {
        var options = Simulated.Without(Simulated.SmallAttackSite());
        var site = SiteBuilder.Build(options);
        var known = new HashSet<string>(StringComparer.Ordinal) { "0.0.0.0", "255.255.255.255" };
        foreach (var h in site.Bmcs.Cast<Host>().Concat(site.Pollers).Concat(site.JumpHosts).Concat(site.NtpServers)
            .Concat([site.Gateway, site.Dns, site.DhcpServer, site.Syslog, site.TrapReceiver]))
        {
            known.Add(h.IpText);
        }

        if (site.Ldap is not null)
        {
            known.Add(site.Ldap.IpText);
        }

        var (pcap, labels, _) = Simulated.Write(options);
        Assert.Empty(LabelsFile.Read(labels));
        foreach (var f in Analyze.File(pcap).Events.Flows)
        {
            Assert.True(known.Contains(f.Orig) && known.Contains(f.Resp), "unexpected endpoint in " + Describe(f));
            var bmcIsClient = site.Bmcs.Any(b => b.IpText == f.Orig) && f.Protocol == 6;
            Assert.False(bmcIsClient && f.Resp != site.Ldap?.IpText, "a BMC opened a TCP connection: " + Describe(f));
        }
    }

    private static List<int> Matching(IReadOnlyList<LabelRow> rows, FlowSnapshot f)
    {
        var proto = f.Protocol switch { 6 => "tcp", 17 => "udp", 1 => "icmp", _ => "other" };
        var a = IPAddress.Parse(f.Orig);
        var b = IPAddress.Parse(f.Resp);
        var hits = new List<int>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Matches(proto, a, f.OrigPort, b, f.RespPort, Time(f.Start), Time(f.End)))
            {
                hits.Add(i);
            }
        }

        return hits;
    }

    private static DateTimeOffset Time(long nanoseconds) => DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);

    private static string Key(FlowSnapshot f) => $"{f.Protocol} {f.Orig}:{f.OrigPort} {f.Resp}:{f.RespPort} {f.Start}";

    private static string Describe(FlowSnapshot f) => $"{f.Protocol} {f.Orig}:{f.OrigPort} -> {f.Resp}:{f.RespPort} {Time(f.Start):O}..{Time(f.End):O} {f.ConnState}";
}
