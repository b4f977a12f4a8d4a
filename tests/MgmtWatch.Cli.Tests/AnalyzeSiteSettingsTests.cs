using System.Text.Json;
using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>
/// <c>--manager-network</c> tells the SNMP set rule who may change BMC configuration. The capture is the
/// project's own snmpd recording, whose snmpset comes from 127.0.0.1, the same host that polls the agent.
/// </summary>
public class AnalyzeSiteSettingsTests
{
    private static readonly string Capture = Path.Combine(RepoPaths.Pcaps, "snmpd-loopback.pcap");

    private static List<JsonElement> SetAlerts(params string[] extra)
    {
        var run = CliRunner.Run(["analyze", Capture, "--no-model", "-q", "--no-flow-events", .. extra]);
        Assert.Equal(0, run.ExitCode);
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("event_type").GetString() == "alert" && e.GetProperty("alert").GetProperty("signature_id").GetInt32() == 9102002)
            .ToList();
    }

    [Fact]
    public void WithoutManagerNetworksTheSetFromTheKnownPollerIsQuiet() => Assert.Empty(SetAlerts());

    [Fact]
    public void ASetFromOutsideTheConfiguredManagerNetworksAlerts()
    {
        var alert = Assert.Single(SetAlerts("--manager-network", "10.50.1.0/24", "--manager-network", "fd00::/8"));
        Assert.Contains("not in the configured manager networks", alert.GetProperty("mgmtwatch").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("configured", alert.GetProperty("mgmtwatch").GetProperty("evidence").GetProperty("snmp.manager_basis").GetString());
    }

    [Fact]
    public void ASetFromInsideTheManagerNetworksIsQuiet() => Assert.Empty(SetAlerts("--manager-network", "127.0.0.0/8"));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("bmc-net")]
    public void ABadNetworkIsAUsageError(string network)
    {
        var run = CliRunner.Run("analyze", Capture, "--manager-network", network);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(network, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }
}
