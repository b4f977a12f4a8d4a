using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers;

/// <summary>
/// An analyzer may allocate per exchange (a login, a handshake, a flow's record) but not per packet of
/// traffic it already follows: a poller walking a MIB or a session sending commands costs nothing but
/// time. Measured through the real pipeline with the thread's allocation counter (<see cref="Allocations"/>):
/// the recording's set-up packets once, then its steady packets replayed on the same flow, later each round.
/// </summary>
public class SteadyTrafficAllocationTests
{
    private const int Rounds = 20;

    [Fact]
    public void SnmpWalkOnOneFlowAllocatesNothingPerPacket()
    {
        // snmpd-loopback.pcap frames 5–80: snmpwalk's get-next requests and responses on one flow (port 39119).
        var (allocated, sink, packets) = Replay("snmpd-loopback.pcap", setup: 6, steadyFrom: 7, steadyTo: 80);
        Assert.Equal(0, allocated);
        Assert.Contains("snmp", sink.Services);
        Assert.True(packets >= 1_000, $"{packets} packets");
    }

    [Fact]
    public void IpmiSessionCommandsAllocateNothingPerPacket()
    {
        // ipmi-sim-sessions.pcap frames 1–12 open an RMCP+ session; 13–24 are its encrypted requests and responses.
        var (allocated, sink, packets) = Replay("ipmi-sim-sessions.pcap", setup: 12, steadyFrom: 13, steadyTo: 24);
        Assert.Equal(0, allocated);
        Assert.Contains("ipmi", sink.Services);
        Assert.True(packets >= 200, $"{packets} packets");
    }

    /// <summary>
    /// Feeds frames 1..<paramref name="setup"/>, then frames <paramref name="steadyFrom"/>..<paramref name="steadyTo"/>
    /// (1-based) round after round, each round a second after the last: two rounds to warm up, then
    /// <see cref="Rounds"/> measured (see <see cref="Allocations"/>). Returns the bytes allocated, the sink
    /// after the run, and the packets of one measurement.
    /// </summary>
    private static (long Allocated, CountingSink Sink, int Packets) Replay(string capture, int setup, int steadyFrom, int steadyTo)
    {
        var frames = RecordedFrames.Load(Path.Combine(RepoPaths.Pcaps, capture));
        var sink = new CountingSink();
        var pipeline = new AnalysisPipeline(new PipelineOptions(), sink);
        for (var i = 0; i < setup; i++)
        {
            pipeline.Process(frames[i].Info, frames[i].Data);
        }

        var steady = frames.Skip(steadyFrom - 1).Take(steadyTo - steadyFrom + 1).ToList();
        var period = steady[^1].Info.Timestamp - steady[0].Info.Timestamp + 1_000_000_000;
        var round = 0;
        void Rounds(int count)
        {
            for (var r = 0; r < count; r++)
            {
                round++;
                foreach (var (info, data) in steady)
                {
                    var shifted = info;
                    shifted.Timestamp = info.Timestamp + (round * period);
                    pipeline.Process(shifted, data);
                }
            }
        }

        Rounds(2);
        var allocated = Allocations.Least(() => Rounds(SteadyTrafficAllocationTests.Rounds));
        Assert.Equal(0, sink.Flows); // still one flow: nothing ended or was recreated while measuring
        pipeline.Finish();
        return (allocated, sink, SteadyTrafficAllocationTests.Rounds * steady.Count);
    }

    /// <summary>Counts events without copying them, so the sink itself allocates nothing while measuring.</summary>
    private sealed class CountingSink : IEventSink
    {
        public int Flows { get; private set; }

        public List<string> Services { get; } = [];

        public void Emit(FlowRecord flow)
        {
            Flows++;
            Services.Add(flow.Service ?? "-");
        }

        public void Emit(AnomalyEvent anomaly)
        {
        }

        public void Emit(AlertEvent alert)
        {
        }

        public void Emit(StatsEvent stats)
        {
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
