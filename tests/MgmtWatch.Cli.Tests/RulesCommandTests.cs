using System.Text.Json;
using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

public class RulesCommandTests
{
    [Fact]
    public void TheReadmesRuleTableIsTheCommandsMarkdown()
    {
        var run = CliRunner.Run("rules", "--format", "markdown");
        Assert.Equal(0, run.ExitCode);
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        const string Begin = "<!-- rules:begin -->\n";
        var start = readme.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        var end = readme.IndexOf("<!-- rules:end -->", StringComparison.Ordinal);
        Assert.True(start >= Begin.Length && end > start, "README.md has no rules:begin/rules:end block");
        Assert.Equal(run.Stdout, readme[start..end]);
    }

    [Fact]
    public void JsonListsEveryRuleOnceWithItsThresholds()
    {
        var run = CliRunner.Run("rules", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        var rules = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var ids = rules.Select(r => r.GetProperty("signature_id").GetInt32()).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.All(ids, id => Assert.InRange(id, 9_100_000, 9_199_999));
        var scan = Assert.Single(rules, r => r.GetProperty("signature_id").GetInt32() == 9108001);
        Assert.Contains(scan.GetProperty("thresholds").EnumerateArray(), t => t.GetProperty("name").GetString() == "scan.ports");

        // Every threshold listed is one --threshold accepts.
        var names = rules.SelectMany(r => r.GetProperty("thresholds").EnumerateArray()).Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.GetProperty("name").GetString()}={t.GetProperty("default").GetDouble()}")).ToList();
        var analyze = CliRunner.Run(["analyze", Path.Combine(RepoPaths.Pcaps, "ipmi-sim-sessions.pcap"), "--no-model", "-q", "-o", "none", .. names.SelectMany(n => new[] { "--threshold", n })]);
        Assert.Equal(0, analyze.ExitCode);
    }

    [Fact]
    public void AnUnknownFormatIsAUsageError() => Assert.Equal(2, CliRunner.Run("rules", "--format", "yaml").ExitCode);
}
