using FsCheck;
using FsCheck.Fluent;
using MgmtWatch.Core.Analyzers.Snmp;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;
using static MgmtWatch.Core.Tests.Analyzers.Snmp.SnmpPackets;

namespace MgmtWatch.Core.Tests.Analyzers.Snmp;

public class SnmpAnalyzerTests
{
    private const string Attacker = "10.66.0.9";
    private const string Agent = "10.9.0.15";
    private const string Manager = "10.1.0.5";

    private static string Public(string file) => Path.Combine(RepoPaths.SharedPcaps, "snmp", file);

    private static string Malformed(string file) => Path.Combine(RepoPaths.SharedPcaps, "malformed", file);

    private static PipelineOptions Managers(params string[] networks) =>
        new() { Site = new SiteSettings { ManagerNetworks = NetworkSet.Parse(networks) } };

    [SkippableFact]
    public void EveryPublicSnmpCaptureParsesAsSnmpWithoutGuessingAlerts()
    {
        RepoPaths.SkipUnlessShared();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.SharedPcaps, "snmp")))
        {
            var (events, _) = Analyze.File(file);
            Assert.NotEmpty(events.Flows);
            Assert.All(events.Flows, f => Assert.Equal("snmp", f.Service));
            Assert.DoesNotContain(events.Alerts, a => a.SignatureId == Signatures.SnmpCommunityGuessing.Id);
        }
    }

    [SkippableFact]
    public void SnmpwalkIsTwoHundredAnsweredGetNextsOverV2c()
    {
        RepoPaths.SkipUnlessShared();
        var flow = Assert.Single(Analyze.File(Public("zeek-snmpwalk-short.pcap")).Events.Flows);
        Assert.Equal("2c", flow.Field("snmp.version"));
        Assert.Equal("getnext,response", flow.Field("snmp.pdu_types"));
        Assert.Equal("200", flow.Field("snmp.get_requests")); // tshark: 200 get-next-request, 200 get-response
        Assert.Equal("200", flow.Field("snmp.responses"));
        Assert.Equal("0", flow.Field("snmp.unanswered_requests"));
        Assert.Equal("6", flow.Field("snmp.community_len")); // "public"
        Assert.Matches("^hmac:[0-9a-f]{16}$", flow.Field("snmp.community_fp"));
    }

    [SkippableFact]
    public void V1SetFromAHostNeverSeenPollingRaisesTheFallbackAlertAndNoneFromAConfiguredManager()
    {
        RepoPaths.SkipUnlessShared();
        var file = Public("zeek-snmpv1_set.pcap");
        var (events, _) = Analyze.File(file);
        var flow = Assert.Single(events.Flows);
        Assert.Equal("set,response", flow.Field("snmp.pdu_types"));
        Assert.Equal("0", flow.Field("snmp.community_len")); // tshark: empty community
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.SnmpSetFromNonManager.Id, alert.SignatureId);
        Assert.Contains(alert.Evidence!, e => e is { Key: "snmp.manager_basis", Value: "learned" });

        Assert.Empty(Analyze.File(file, Managers("127.0.0.0/8")).Events.Alerts);
        var outside = Assert.Single(Analyze.File(file, Managers("10.0.0.0/8")).Events.Alerts);
        Assert.Contains(outside.Evidence!, e => e is { Key: "snmp.manager_basis", Value: "configured" });
    }

    [SkippableFact]
    public void TrapsAndGetBulkAreRecognised()
    {
        RepoPaths.SkipUnlessShared();
        var trap = Assert.Single(Analyze.File(Public("zeek-snmpv1_trap.pcap")).Events.Flows);
        Assert.Equal(162, trap.RespPort);
        Assert.Equal("trap", trap.Field("snmp.pdu_types"));
        Assert.Equal("1", trap.Field("snmp.notifications"));
        Assert.Null(trap.Field("snmp.unanswered_requests"));

        var bulk = Assert.Single(Analyze.File(Public("zeek-snmpv2_get_bulk.pcap")).Events.Flows);
        Assert.Equal("2c", bulk.Field("snmp.version"));
        Assert.Equal("getbulk,response", bulk.Field("snmp.pdu_types"));
    }

    [SkippableFact]
    public void V3EngineDiscoveryGivesUsmFactsAndOnlyAFingerprintOfTheUserName()
    {
        RepoPaths.SkipUnlessShared();
        var flow = Assert.Single(Analyze.File(Public("zeek-snmpv3_get_next.pcap")).Events.Flows);
        Assert.Equal("3", flow.Field("snmp.version"));
        Assert.Equal("get,getnext,response,report", flow.Field("snmp.pdu_types"));
        Assert.Equal("usm", flow.Field("snmp.security_model"));
        Assert.Equal("noAuthNoPriv", flow.Field("snmp.security_level"));
        Assert.Equal("80001f8880a9498e5e3a2c3043", flow.Field("snmp.engine_id")); // tshark msgAuthoritativeEngineID
        Assert.Equal("8", flow.Field("snmp.user_len")); // "username"
        Assert.DoesNotContain(flow.Fields.Values, v => v.Contains("username", StringComparison.OrdinalIgnoreCase));
    }

    [SkippableFact]
    public void NdpiMixIncludingVlanTaggedFramesIsAllSnmp()
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Public("ndpi-snmp.pcap"));
        Assert.Equal(3, events.Flows.Select(f => f.Field("snmp.version")).Where(v => v is not null).Distinct().Count()); // 1, 2c, 3
        Assert.Contains(events.Flows, f => f.Field("snmp.usm_reports") == "unknownEngineIDs");
        Assert.Empty(events.Anomalies);
    }

    [SkippableFact]
    public void ProtosTrapsWithLongFormTagsAreAnomaliesButTheRestAreTraps()
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Public("suricata-verify-wiresharkwiki-c06-snmpv1-trap.pcap"));
        var flow = Assert.Single(events.Flows);
        Assert.Equal("snmp", flow.Service);
        Assert.Equal("6", flow.Field("snmp.notifications"));

        // Frames 7-12 spell the Trap-PDU tag [4] in high-tag-number form (bf 04, bf 81 04, ...), X.690 §8.1.2.2.
        Assert.Equal(Enumerable.Range(7, 6).Select(n => (long)n), events.Anomalies.Select(a => a.PacketNumber));
        Assert.All(events.Anomalies, a => Assert.Equal("SNMP_BER_UNSUPPORTED_TAG", a.Event));
    }

    [SkippableTheory]
    [InlineData("zeek-snmp-oid-subidentifier-too-long.pcap", "SNMP_OID_SUBIDENTIFIER_TOO_LONG")]
    [InlineData("tcpdump-ip-snmp-leftshift-unsigned.pcap", "SNMP_BER_UNEXPECTED_TAG")]
    public void MalformedReproducersGiveTheirAnomaly(string file, string expected)
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Malformed(file));
        Assert.Contains(events.Anomalies, a => a.Event == expected);
    }

    [SkippableTheory]
    [InlineData("tcpdump-snmp-heapoverflow-1.pcap")]
    [InlineData("tcpdump-snmp-heapoverflow-2.pcap")]
    public void HeapOverflowReproducersCutByTheCaptureAreNotBlamedOnTheSender(string file)
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Malformed(file));

        // The BER lengths fit the (bogus) datagram; only the 64-byte snap length cut them: no SNMP anomaly.
        Assert.DoesNotContain(events.Anomalies, a => a.Event.StartsWith("SNMP_", StringComparison.Ordinal));
        Assert.Contains(events.Anomalies, a => a.Event == "UDP_LEN_INVALID");
    }

    [SkippableFact]
    public void ZeekCrashReproducerIsThreeEncryptedV3Messages()
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Malformed("zeek-snmp-crash-62790.pcap"));
        var flow = Assert.Single(events.Flows);
        Assert.Equal("authPriv", flow.Field("snmp.security_level"));
        Assert.Equal("3", flow.Field("snmp.encrypted_pdus"));
        Assert.DoesNotContain(flow.Fields.Values, v => v.Contains("Admin001", StringComparison.Ordinal));
    }

    [Fact]
    public void OnesixtyoneStyleGuessingWithNoRepliesRaisesExactlyOneAlert()
    {
        string[] communities = ["public", "private", "cisco", "admin", "manager", "c0mmunity", "secret", "monitor", "write", "ILMI"];
        var b = new PcapBuilder();
        for (var i = 0; i < communities.Length; i++)
        {
            // onesixtyone: one GetRequest per community, some from a new source port, no reply to any.
            b.Add(i * 0.01, Frames.Udp(Attacker, (ushort)(40000 + (i % 3)), Agent, 161, Community(0, communities[i], Get, 100 + i)));
        }

        var (events, _) = Analyze.Capture(b);
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.SnmpCommunityGuessing.Id, alert.SignatureId);
        Assert.Equal(Attacker, alert.Source.ToString());
        Assert.All(events.Flows, f => Assert.Equal("snmp", f.Service));
        var everything = string.Join('\n', events.Flows.SelectMany(f => f.Fields.Values).Concat(events.Alerts.SelectMany(a =>
            a.Evidence!.Select(e => e.Value).Append(a.Description!))));
        Assert.All(communities, c => Assert.DoesNotContain(c, everything, StringComparison.Ordinal));
    }

    /// <summary>
    /// Every public capture against tshark: the agents that sent a get-response carrying public or private
    /// are exactly the sources of rule 9102003's alerts, one each, and the community is only a fingerprint.
    /// </summary>
    [SkippableFact]
    public void AgentsAnsweringADefaultCommunityInPublicCapturesAreEachOneAlert()
    {
        RepoPaths.SkipUnlessShared();
        Tshark.SkipUnlessInstalled();
        var withDefaults = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.SharedPcaps, "snmp")))
        {
            var expected = Tshark.Fields(file, "snmp.get_response_element && (snmp.community == \"public\" || snmp.community == \"private\")", ["ip.src"])
                .Select(r => r[0]).Distinct().Order().ToList();
            var alerts = Analyze.File(file).Events.Alerts.Where(a => a.SignatureId == Signatures.SnmpDefaultCommunity.Id).ToList();
            Assert.Equal(expected, alerts.Select(a => a.Source.ToString()).Order().ToList());
            foreach (var alert in alerts)
            {
                var evidence = alert.Evidence!.ToDictionary(e => e.Key, e => e.Value);
                Assert.Matches("^hmac:[0-9a-f]{16}$", evidence["snmp.community_fp"]);
                Assert.Contains(evidence["snmp.community_len"], new[] { "6", "7" });
                Assert.DoesNotContain("public", alert.Description!, StringComparison.Ordinal);
                Assert.DoesNotContain("private", alert.Description!, StringComparison.Ordinal);
            }

            withDefaults += expected.Count;
        }

        Assert.True(withDefaults >= 2, $"{withDefaults} agents answered a default community in the public captures");
    }

    /// <summary>
    /// A poller using the write default on one agent for two days and a site community on another: one alert
    /// a day for the first (a configuration finding, not an event), none for the second, none for a request
    /// nobody answered, none for a trap receiver acknowledging an Inform sent with the default.
    /// </summary>
    [Fact]
    public void ADefaultCommunityAnsweredIsReportedDailyPerAgent()
    {
        const string Other = "10.9.0.16";
        const string Silent = "10.9.0.17";
        var b = new PcapBuilder();
        for (var i = 0; i < 2 * 24 * 6; i++)
        {
            var t = i * 600.0;
            b.Add(t, Frames.Udp(Manager, 50000, Agent, 161, Community(1, "private", Get, i, 0, SysName)));
            b.Add(t + 0.005, Frames.Udp(Agent, 161, Manager, 50000, Community(1, "private", Response, i, 0, SysName)));
            b.Add(t + 1, Frames.Udp(Manager, 50001, Other, 161, Community(1, "site-ro-7", Get, i, 0, SysName)));
            b.Add(t + 1.005, Frames.Udp(Other, 161, Manager, 50001, Community(1, "site-ro-7", Response, i, 0, SysName)));
            b.Add(t + 2, Frames.Udp(Manager, 50002, Silent, 161, Community(1, "public", Get, i, 0, SysName)));

            // An Inform to the trap receiver, acknowledged with the same community: the receiver is no agent.
            b.Add(t + 3, Frames.Udp(Other, 50003, Manager, 162, Community(1, "public", 0xA6, i, 0, SysName)));
            b.Add(t + 3.005, Frames.Udp(Manager, 162, Other, 50003, Community(1, "public", Response, i, 0, SysName)));
        }

        var alerts = Analyze.Capture(b).Events.Alerts;
        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a => Assert.Equal((Signatures.SnmpDefaultCommunity.Id, Agent, Manager), (a.SignatureId, a.Source.ToString(), a.Destination.ToString())));
        Assert.True(alerts[1].Timestamp - alerts[0].Timestamp >= 86_400_000_000_000L);
    }

    [Fact]
    public void TheGuessingThresholdIsUserSettable()
    {
        var b = new PcapBuilder();
        for (var i = 0; i < 5; i++)
        {
            b.Add(i * 0.01, Frames.Udp(Attacker, 40000, Agent, 161, Community(1, "guess" + i, Get, i)));
        }

        Assert.Null(DetectionSettings.TryParse(["snmp.guessing.communities=6"], out var settings));
        Assert.Empty(Analyze.Capture(b, new PipelineOptions { Detection = settings }).Events.Alerts);
        Assert.Single(Analyze.Capture(b).Events.Alerts);
    }

    [Fact]
    public void GuessingAcrossSeveralAgentsIsOneIncident()
    {
        var b = new PcapBuilder();
        for (var i = 0; i < 12; i++)
        {
            b.Add(i * 0.01, Frames.Udp(Attacker, 40000, $"10.9.0.{20 + (i % 4)}", 161, Community(1, "guess" + (i / 4), Get, i)));
        }

        Assert.Single(Analyze.Capture(b).Events.Alerts);
    }

    [Fact]
    public void AManagerUsingADifferentAnsweredCommunityPerAgentIsNotGuessing()
    {
        var b = new PcapBuilder();
        for (var i = 0; i < 6; i++)
        {
            var agent = $"10.9.0.{30 + i}";
            var community = "site-community-" + i;
            b.Add(i * 0.2, Frames.Udp(Manager, 50000, agent, 161, Community(1, community, Get, 7000 + i)));
            b.Add((i * 0.2) + 0.005, Frames.Udp(agent, 161, Manager, 50000, Community(1, community, Response, 7000 + i)));
        }

        var (events, _) = Analyze.Capture(b);
        Assert.Empty(events.Alerts);
        Assert.All(events.Flows, f => Assert.Equal("0", f.Field("snmp.unanswered_requests")));
    }

    [Fact]
    public void SetFromOutsideTheManagerNetworksAlertsAndFromInsideDoesNot()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Attacker, 40000, Agent, 161, Community(1, "private", Set, 1)))
            .Add(1, Frames.Udp(Manager, 40001, Agent, 161, Community(1, "private", Set, 2)));
        var (events, _) = Analyze.Capture(b, Managers("10.1.0.0/24", "2001:db8::/32"));
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.SnmpSetFromNonManager.Id, alert.SignatureId);
        Assert.Equal(Attacker, alert.Source.ToString());
        Assert.DoesNotContain("private", alert.Description!, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutManagerNetworksASetFromAHostThatPolledTheAgentIsQuietAndAnyOtherAlerts()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Manager, 40000, Agent, 161, Community(1, "site-rw-2026", Get, 1)))
            .Add(0.01, Frames.Udp(Agent, 161, Manager, 40000, Community(1, "site-rw-2026", Response, 1)))
            .Add(1, Frames.Udp(Manager, 40000, Agent, 161, Community(1, "site-rw-2026", Set, 2)))
            .Add(2, Frames.Udp(Attacker, 40000, Agent, 161, Community(1, "site-rw-2026", Set, 3)));
        var alert = Assert.Single(Analyze.Capture(b).Events.Alerts);
        Assert.Equal(Attacker, alert.Source.ToString());
    }

    [Fact]
    public void V3SetIsCheckedAndItsUserNameStaysSecret()
    {
        var b = new PcapBuilder().Add(0, Frames.Udp(Attacker, 40000, Agent, 161, V3("bmcadmin", Set, 99, flags: 0x05)));
        var (events, _) = Analyze.Capture(b);
        var alert = Assert.Single(events.Alerts);
        Assert.Contains(alert.Evidence!, e => e.Key == "snmp.user_fp");
        var flow = Assert.Single(events.Flows);
        Assert.Equal("authNoPriv", flow.Field("snmp.security_level"));
        Assert.Equal("8", flow.Field("snmp.user_len"));
        Assert.Equal("1", flow.Field("snmp.unanswered_requests"));
        Assert.DoesNotContain(flow.Fields.Values.Append(alert.Description!), v => v.Contains("bmcadmin", StringComparison.Ordinal));
    }

    [Fact]
    public void SnmpOnAnUnusualPortIsFoundByContentAndNoiseIsNot()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Manager, 40000, Agent, 1161, Community(1, "public", Get, 5)))
            .Add(0.01, Frames.Udp(Agent, 1161, Manager, 40000, Community(1, "public", Response, 5)))
            .Add(1, Frames.Udp(Manager, 40001, Agent, 1162, [0x30, 0x03, 0x02, 0x01, 0x01]));
        var flows = Analyze.Capture(b).Events.Flows;
        Assert.Equal("snmp", flows.Single(f => f.RespPort == 1161).Service);
        Assert.Null(flows.Single(f => f.RespPort == 1162).Service);
    }

    [Fact]
    public void ABadVersionAndAnUnknownPduAreAnomalies()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Manager, 40000, Agent, 161, Tlv(0x30, Num(2), Octets("public"), Tlv(0xA0, Num(1), Num(0), Num(0), Tlv(0x30)))))
            .Add(1, Frames.Udp(Manager, 40001, Agent, 161, Tlv(0x30, Num(1), Octets("public"), Tlv(0xA9, Num(1), Num(0), Num(0), Tlv(0x30)))))
            .Add(2, Frames.Udp(Manager, 40002, Agent, 161, Tlv(0x30, Num(0), Octets("public"), Tlv(GetBulk, Num(1), Num(0), Num(0), Tlv(0x30)))));
        Assert.Equal(["SNMP_BAD_VERSION", "SNMP_UNKNOWN_PDU", "SNMP_PDU_NOT_IN_VERSION"], Analyze.Capture(b).Events.Anomalies.Select(a => a.Event));
    }

    [Fact]
    public void FlowLogNamesTheService()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Manager, 40000, Agent, 161, Community(1, "public", Get, 5)))
            .Add(0.01, Frames.Udp(Agent, 161, Manager, 40000, Community(1, "public", Response, 5)));
        var (flowLog, eve) = FlowLogText.Of(b.WriteTemp());
        Assert.Contains("\"service\":\"snmp\"", flowLog, StringComparison.Ordinal);
        Assert.Contains("\"mgmtwatch.snmp.version\":\"2c\"", flowLog, StringComparison.Ordinal);
        Assert.DoesNotContain("public", flowLog + eve, StringComparison.Ordinal);
    }

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public bool RandomPayloadsOnTheSnmpPortsNeverThrow(byte[][] payloads)
    {
        var b = new PcapBuilder();
        var t = 0.0;
        foreach (var p in payloads.Take(20))
        {
            b.Add(t += 0.1, Frames.Udp(Manager, 40000, Agent, (ushort)(p.Length % 2 == 0 ? 161 : 162), p.Take(1400).ToArray()));
        }

        Analyze.Capture(b);
        return true;
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property MutatedMessagesNeverThrowTheParser()
    {
        byte[][] seeds =
        [
            Community(0, "public", Get, 1, 0, SysName, [1, 3, 6, 1, 4, 1, 21317, 1, 2]),
            Community(1, "public", Response, 2),
            V3("operator", GetNext, 3),
            V3("operator", Response, 4, flags: 0x07),
        ];
        var gen = from seed in Gen.Elements(seeds)
                  from position in Gen.Choose(0, 200)
                  from value in Gen.Choose(0, 255)
                  from cut in Gen.Choose(0, 220)
                  from mode in Gen.Choose(0, 3)
                  select Mutate(seed, position, (byte)value, cut, mode);
        return Prop.ForAll(gen.ToArbitrary(), bytes =>
        {
            SnmpParser.Parse(bytes, bytes.Length, out _);
            SnmpParser.Parse(bytes, bytes.Length + 7, out _);
            return true;
        });
    }

    /// <summary>Flips a byte, cuts the message, or plants an absurd long-form length.</summary>
    internal static byte[] Mutate(byte[] seed, int position, byte value, int cut, int mode)
    {
        var b = (byte[])seed.Clone();
        var at = position % b.Length;
        switch (mode)
        {
            case 0:
                b[at] ^= value;
                return b;
            case 1:
                return b[..Math.Min(b.Length, cut)];
            case 2:
                b[at] = (byte)(0x80 | (value & 0x07)); // long-form length of 0-7 octets
                return b;
            default:
                b[at] = 0x84;
                for (var i = at + 1; i < Math.Min(b.Length, at + 5); i++)
                {
                    b[i] = 0xFF;
                }

                return b;
        }
    }
}
