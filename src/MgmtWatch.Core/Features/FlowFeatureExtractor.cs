using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Features;

/// <summary>
/// Computes the feature vector of a flow at its end, from the flow's own statistics, the recent activity
/// of its hosts, its (client, server, service) series, what the baseline knew, and what the protocol
/// analyzers found in it. Contexts are updated
/// with the flow, so flows must be offered in the order they end. One extractor per stream of flows; not
/// thread-safe.
/// </summary>
public sealed class FlowFeatureExtractor
{
    private readonly HostActivity _hosts = new();
    private readonly SeriesTracker _series = new();

    /// <summary>Creates an extractor judging novelty against <paramref name="baseline"/> (null: nothing is novel).</summary>
    public FlowFeatureExtractor(IBaselineView? baseline) => Baseline = baseline;

    /// <summary>The baseline novelty is judged against; training swaps in a growing profile.</summary>
    public IBaselineView? Baseline { get; set; }

    /// <summary>
    /// Fills <paramref name="features"/> (length <see cref="FeatureSchema.Count"/>) for <paramref name="flow"/>.
    /// With <paramref name="record"/> false (an interim report of a flow still going) the host and series
    /// contexts are read but not updated, so the flow is counted once, when it ends.
    /// </summary>
    public void Extract(FlowRecord flow, Span<float> features, bool record = true)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (features.Length < FeatureSchema.Count)
        {
            throw new ArgumentException($"need {FeatureSchema.Count} features", nameof(features));
        }

        features.Clear();
        var f = features;
        var duration = Math.Max(0, (flow.End - flow.Start) * 1e-9);
        var origBytes = (double)flow.OrigBytes;
        var respBytes = (double)flow.RespBytes;
        f[FeatureSchema.Duration] = Log(duration);
        f[FeatureSchema.OrigPackets] = Log(flow.OrigPackets);
        f[FeatureSchema.RespPackets] = Log(flow.RespPackets);
        f[FeatureSchema.OrigBytes] = Log(origBytes);
        f[FeatureSchema.RespBytes] = Log(respBytes);
        f[FeatureSchema.OrigByteShare] = origBytes + respBytes > 0 ? (float)(origBytes / (origBytes + respBytes)) : 0.5f;
        f[FeatureSchema.OrigSizeMean] = Log(flow.OrigSizeMean);
        f[FeatureSchema.RespSizeMean] = Log(flow.RespSizeMean);
        f[FeatureSchema.OrigSizeCv] = Cv(flow.OrigSizeStdDev, flow.OrigSizeMean);
        f[FeatureSchema.RespSizeCv] = Cv(flow.RespSizeStdDev, flow.RespSizeMean);
        f[FeatureSchema.GapMean] = Log(flow.GapMean);
        f[FeatureSchema.GapCv] = Cv(flow.GapStdDev, flow.GapMean);
        var noReply = flow.RespPackets == 0;
        var refused = flow.ConnState is "REJ" or "RSTO" or "RSTR" or "RSTOS0" or "RSTRH";
        f[FeatureSchema.NoReply] = noReply ? 1 : 0;
        f[FeatureSchema.Refused] = refused ? 1 : 0;
        f[FeatureSchema.Tcp] = flow.Protocol == Decoding.IpProtocol.Tcp ? 1 : 0;
        f[FeatureSchema.Udp] = flow.Protocol == Decoding.IpProtocol.Udp ? 1 : 0;
        f[FeatureSchema.Icmp] = flow.Protocol is Decoding.IpProtocol.Icmp or Decoding.IpProtocol.Icmpv6 ? 1 : 0;

        var origin = record
            ? _hosts.ObserveOriginator(flow.OrigHost, flow.RespHost, flow.RespPort, origBytes + respBytes, noReply || refused, flow.Start)
            : _hosts.Peek(flow.OrigHost, flow.Start);
        f[FeatureSchema.OrigFanoutHosts] = Log(origin.DistinctPeers);
        f[FeatureSchema.OrigFanoutPorts] = Log(origin.DistinctPorts);
        f[FeatureSchema.OrigFlowRate] = Log(origin.FlowsPerMinute);
        f[FeatureSchema.OrigFailureShare] = (float)origin.FailureShare;
        f[FeatureSchema.OrigByteRate] = Log(origin.BytesPerSecond);
        f[FeatureSchema.RespFanIn] = Log(record ? _hosts.ObserveResponder(flow.RespHost, flow.OrigHost, flow.Start) : _hosts.PeekCallers(flow.RespHost, flow.Start));

        var service = ServiceKey.Of(flow);
        var novelDestination = false;
        if (Baseline is { } b)
        {
            var pairNew = !b.KnowsPair(flow.OrigHost, flow.RespHost);
            var respOutside = !b.IsSiteAddress(flow.RespHost);
            f[FeatureSchema.OrigNew] = b.KnowsHost(flow.OrigHost) ? 0 : 1;
            f[FeatureSchema.RespNew] = b.KnowsHost(flow.RespHost) ? 0 : 1;
            f[FeatureSchema.PairNew] = pairNew ? 1 : 0;
            var clientServiceNew = !b.KnowsClientService(flow.OrigHost, service);
            f[FeatureSchema.ClientServiceNew] = clientServiceNew ? 1 : 0;

            // Only an answering server offers a service; a refused probe says nothing about the server.
            f[FeatureSchema.ServerServiceNew] = !noReply && !refused && !b.KnowsServerService(flow.RespHost, service) ? 1 : 0;
            f[FeatureSchema.RespOutsideSite] = respOutside ? 1 : 0;
            f[FeatureSchema.OrigOutsideSite] = b.IsSiteAddress(flow.OrigHost) ? 0 : 1;
            f[FeatureSchema.BmcAsClientNew] = b.IsBmc(flow.OrigHost) && clientServiceNew ? 1 : 0;
            novelDestination = pairNew || respOutside;
        }

        var (connections, beacon) = record
            ? _series.Observe(flow.OrigHost, flow.RespHost, service, flow.Start, origBytes + respBytes)
            : _series.Peek(flow.OrigHost, flow.RespHost, service);
        f[FeatureSchema.SeriesConnections] = Log(connections);
        f[FeatureSchema.Beacon] = (float)beacon;
        f[FeatureSchema.NovelBeacon] = novelDestination ? (float)beacon : 0;
        ProtocolFeatures.Extract(flow, f);
    }

    private static float Log(double value) => (float)Math.Log(1 + Math.Max(0, value));

    private static float Cv(float stdDev, float mean) => mean > 1e-6f ? Math.Min(10f, stdDev / mean) : 0;
}
