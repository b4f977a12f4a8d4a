using System.Text.Json;
using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>
/// tshark is the outside oracle: for every public capture, the set of TCP and UDP conversations in the
/// flow log equals the conversations <c>tshark -z conv,tcp -z conv,udp</c> lists.
/// </summary>
public class AnalyzeTsharkOracleTests
{
    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoPaths.RepoCaptures().Concat(RepoPaths.SharedCaptures(includeMalformed: false)))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, f));
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void FlowLogConversationsEqualTsharkConversations(string capture)
    {
        RepoPaths.SkipUnlessShared();
        CliRunner.SkipUnlessTool("tshark");
        var path = Path.Combine(RepoPaths.Root, capture);

        var tshark = CliRunner.Tool("tshark", "-n", "-r", path, "-q", "-z", "conv,tcp", "-z", "conv,udp")!;
        Assert.Equal(0, tshark.ExitCode);
        var expected = ParseTshark(tshark.Stdout);

        var flows = TempFiles.Create(".log");
        var run = CliRunner.Run("analyze", path, "--eve", "none", "--flows", flows, "-q");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var actual = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(flows))
        {
            var r = JsonDocument.Parse(line).RootElement;
            var proto = r.GetProperty("proto").GetString()!;
            if (proto is "tcp" or "udp")
            {
                actual.Add(Key(proto, r.GetProperty("id.orig_h").GetString()!, r.GetProperty("id.orig_p").GetInt32(),
                    r.GetProperty("id.resp_h").GetString()!, r.GetProperty("id.resp_p").GetInt32()));
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    private static SortedSet<string> ParseTshark(string output)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        var proto = "";
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("TCP Conversations", StringComparison.Ordinal))
            {
                proto = "tcp";
            }
            else if (line.StartsWith("UDP Conversations", StringComparison.Ordinal))
            {
                proto = "udp";
            }
            else if (line.Contains("<->", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var (ha, pa) = Endpoint(parts[0]);
                var (hb, pb) = Endpoint(parts[2]);
                set.Add(Key(proto, ha, pa, hb, pb));
            }
        }

        return set;
    }

    private static (string Host, int Port) Endpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        return (System.Net.IPAddress.Parse(text[..colon]).ToString(), int.Parse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Key(string proto, string ha, int pa, string hb, int pb)
    {
        var a = $"{ha}|{pa}";
        var b = $"{hb}|{pb}";
        return string.CompareOrdinal(a, b) <= 0 ? $"{proto} {a} {b}" : $"{proto} {b} {a}";
    }
}
