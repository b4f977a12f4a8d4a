using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>
/// Community strings and SNMPv3 user names are credentials: for every public SNMP capture, tshark reads
/// them (an outside oracle), and none may appear in the EVE or flow-log output of <c>mgmtwatch analyze</c>.
/// </summary>
public class AnalyzeSnmpSecretTests
{
    public static TheoryData<string> SnmpCaptures() => RepoPaths.SharedCaseNames(
        RepoPaths.SharedCaptures(includeMalformed: true).Where(f => Path.GetFileName(f).Contains("snmp", StringComparison.Ordinal)), RepoPaths.SharedPcaps);

    [SkippableTheory]
    [MemberData(nameof(SnmpCaptures))]
    public void NoCommunityOrUserNameTsharkReadsAppearsInAnyOutput(string capture)
    {
        RepoPaths.SkipUnlessShared();
        CliRunner.SkipUnlessTool("tshark");
        var file = Path.Combine(RepoPaths.SharedPcaps, capture);
        var secrets = CliRunner.Tool("tshark", "-r", file, "-T", "fields", "-e", "snmp.community", "-e", "snmp.msgUserName")!.Stdout
            .Split(['\n', '\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        // A copy under a neutral name: the shared directory is called pcaps-public, and pcap_filename names it.
        var copy = TempFiles.Write(File.ReadAllBytes(file), Path.GetExtension(file));
        var eve = TempFiles.Create(".json");
        var flows = TempFiles.Create(".log");
        var run = CliRunner.Run("analyze", copy, "--eve", eve, "--flows", flows, "-q");
        Assert.True(run.ExitCode is 0 or 3, run.Stderr);
        var output = File.ReadAllText(eve) + File.ReadAllText(flows) + run.Stderr;
        if (secrets.Count > 0)
        {
            Assert.Contains("\"service\":\"snmp\"", output, StringComparison.Ordinal); // the analyzer did see the messages
        }

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }
}
