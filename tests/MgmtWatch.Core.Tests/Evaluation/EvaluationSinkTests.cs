using System.Text.Json;
using MgmtWatch.Core.Evaluation;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Evaluation;

public class EvaluationSinkTests
{
    [Fact]
    public void ReportsCaughtAndMissedCampaignsFalseAlertsAndAuc()
    {
        var model = AnomalyModel.Load(TestModels.Site);
        var day = SiteCapture.Build(seed: 11, minutes: 30, startSeconds: 86_400);
        var bmc = SiteCapture.Bmc(1);
        for (var p = 0; p < 40; p++)
        {
            day.Add(86_400 + 600 + (p * 0.01), Frames.Tcp("10.60.1.99", 55555, bmc, (ushort)(20 + p), Frames.Syn, seq: 7));
        }

        var start = DateTimeOffset.FromUnixTimeSeconds(1_772_366_400 + 86_400 + 599).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture);
        var end = DateTimeOffset.FromUnixTimeSeconds(1_772_366_400 + 86_400 + 602).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture);
        var labels = LabelSet.Parse(new StringReader(
            "campaign,attack,start,end,proto,src_ip,src_port,dst_ip,dst_port,description\n" +
            $"c01,port-scan,{start},{end},tcp,10.60.1.99,*,{bmc},*,syn scan\n" +
            $"c02,never-happened,{start},{end},udp,10.60.1.98,*,{bmc},623,absent\n"), "t");
        var sink = new EvaluationSink(labels);

        // The synthetic site's IPMI and SNMP payloads are zero-filled placeholders, which the analyzers rightly
        // call broken: rule 9108008 would report its poller as a broken implementation. This test is about the
        // report's accounting, so that rule is set beyond the capture's reach.
        Assert.Null(Core.Detection.DetectionSettings.TryParse(["malformed.packets=4096"], out var rules));
        var pipeline = new AnalysisPipeline(new PipelineOptions { Scorer = new ModelScorer(model), Baseline = model.Profile, Detection = rules }, sink);
        using (var source = new Core.Capture.CaptureFileSet([day.WriteTemp()], Core.Capture.MergeOrder.Time))
        {
            PacketLoop.Run(source, pipeline);
        }

        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            sink.WriteReport(w, model.ModelId, ["day.pcap"]);
        }

        var r = JsonDocument.Parse(ms.ToArray()).RootElement;
        var campaigns = r.GetProperty("campaigns").EnumerateArray().ToList();
        Assert.True(campaigns[0].GetProperty("caught").GetBoolean());
        Assert.False(campaigns[1].GetProperty("caught").GetBoolean());
        Assert.Equal(1, r.GetProperty("campaigns_caught").GetInt32());
        Assert.Equal(1, r.GetProperty("campaigns_missed").GetInt32());
        Assert.Equal(40, r.GetProperty("malicious_flows").GetInt32());
        Assert.True(r.GetProperty("false_alerts").GetInt32() <= 2, r.GetProperty("false_alerts_by_signature").ToString());
        Assert.True(r.GetProperty("roc_auc_detector").GetDouble() > 0.95);
        Assert.Equal(0.5, r.GetProperty("hours").GetDouble(), 1);
    }
}
