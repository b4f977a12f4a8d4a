using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers;

public class AnalyzerContextTests
{
    [Fact]
    public void StopInspectingEndsInspectionButTheFlowEndIsStillReported()
    {
        var analyzer = new CountingAnalyzer(stopAfter: 2);
        var b = new PcapBuilder();
        var c = new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 7777).Handshake();
        for (var i = 0; i < 10; i++)
        {
            c.Client([1, 2, 3]).Server([4, 5, 6]);
        }

        c.Close();
        var (events, _) = Analyze.Capture(b, new PipelineOptions { Analyzers = () => new AnalyzerRegistry([analyzer]) });
        Assert.Equal(2, analyzer.Inspected);
        Assert.Equal(1, analyzer.Ended);
        Assert.Equal("counting", Assert.Single(events.Flows).Service);
    }

    [Fact]
    public void WithoutStopInspectingEveryPayloadPacketIsInspected()
    {
        var analyzer = new CountingAnalyzer(stopAfter: int.MaxValue);
        var b = new PcapBuilder();
        var c = new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 7777).Handshake();
        for (var i = 0; i < 10; i++)
        {
            c.Client([1, 2, 3]).Server([4, 5, 6]);
        }

        c.Close();
        Analyze.Capture(b, new PipelineOptions { Analyzers = () => new AnalyzerRegistry([analyzer]) });
        Assert.Equal(20, analyzer.Inspected);
    }

    private sealed class CountingAnalyzer(int stopAfter) : IProtocolAnalyzer
    {
        public int Inspected { get; private set; }

        public int Ended { get; private set; }

        public string Name => "counting";

        public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Tcp, 7777)];

        public bool Accepts(scoped in AnalyzerPacket packet) => false;

        public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
        {
            context.Confirm(packet);
            if (++Inspected >= stopAfter)
            {
                context.StopInspecting(packet);
            }
        }

        public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context) => Ended++;
    }
}
