using System.Text.RegularExpressions;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Ipmi;

/// <summary>
/// The managed-system GUID a BMC sends in RAKP2 (ipmi.bmc_guid) and rule 9101014. The expected GUIDs come
/// from outside the analyzer: the GUID ipmi_sim was configured with when the repository's capture was
/// recorded, and the RAKP2 bytes tshark hands over for the reconstructed Gigabyte session.
/// </summary>
public partial class IpmiBmcGuidTests
{
    private static string SimCapture => Path.Combine(RepoPaths.Pcaps, "ipmi-sim-sessions.pcap");

    /// <summary>The <c>guid</c> line of the ipmi_sim configuration in the script that recorded the capture.</summary>
    private static string ConfiguredGuid() =>
        ConfigGuid().Match(File.ReadAllText(Path.Combine(RepoPaths.Pcaps, "tools", "capture-ipmi-sim.sh"))).Groups[1].Value;

    [Fact]
    public void EverySessionWithIpmiSimCarriesTheGuidItWasConfiguredWith()
    {
        var guid = ConfiguredGuid();
        Assert.Equal(32, guid.Length);
        var run = RenderedRun.Of(SimCapture);
        var withGuid = run.FlowsOf("ipmi").Where(f => f.Field("ipmi.bmc_guid") is not null).ToList();
        Assert.NotEmpty(withGuid);
        Assert.All(withGuid, f => Assert.Equal(guid, f.Field("ipmi.bmc_guid")));
        Assert.All(run.FlowsOf("ipmi"), f => Assert.Equal(f.Field("ipmi.rakp2_auth_code_length") is not null, f.Field("ipmi.bmc_guid") is not null));
    }

    [SkippableFact]
    public void TheGigabyteSessionsGuidIsTheRakp2BytesTsharkCarries()
    {
        RepoPaths.SkipUnlessShared();
        Tshark.SkipUnlessInstalled();
        var path = Path.Combine(RepoPaths.SharedPcaps, "ipmi", "reconstructed", "python-ipmi-issue188-gigabyte-lanplus.RECONSTRUCTED.pcap");

        // RMCP (4) and the RMCP+ session header (12) precede the payload; RAKP2 is payload type 0x13.
        var rakp2 = Tshark.Fields(path, "udp", ["udp.payload"]).Select(r => Convert.FromHexString(r[0].Replace(":", "", StringComparison.Ordinal)))
            .Single(p => p.Length > 16 + 40 && (p[5] & 0x3F) == 0x13);
        var flow = Assert.Single(RenderedRun.Of(path).FlowsOf("ipmi"));
        Assert.Equal(Convert.ToHexStringLower(rakp2.AsSpan(16 + 24, 16)), flow.Field("ipmi.bmc_guid"));
    }

    /// <summary>The capture's last session answered with another GUID, as a second machine at the BMC's address would.</summary>
    [Fact]
    public void AnotherGuidFromTheSameBmcAddressIsOneAlert()
    {
        var guid = Convert.FromHexString(ConfiguredGuid());
        var bytes = File.ReadAllBytes(SimCapture);
        Assert.DoesNotContain(Analyze.File(SimCapture).Events.Alerts, a => a.SignatureId == Signatures.IpmiBmcGuidChanged.Id);

        var last = bytes.AsSpan().LastIndexOf(guid);
        Assert.NotEqual(bytes.AsSpan().IndexOf(guid), last);
        bytes[last + 15] ^= 0x5A;
        var alert = Assert.Single(Analyze.File(TempFiles.Write(bytes)).Events.Alerts, a => a.SignatureId == Signatures.IpmiBmcGuidChanged.Id);
        var evidence = alert.Evidence!.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(ConfiguredGuid(), evidence["previous_fingerprint"]);
        Assert.Equal(ConfiguredGuid()[..30] + ((guid[15] ^ 0x5A).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)), evidence["fingerprint"]);
        Assert.Contains("GUID", alert.Description, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"guid ([0-9a-f]{32})")]
    private static partial Regex ConfigGuid();
}
