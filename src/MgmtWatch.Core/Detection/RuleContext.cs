using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>What flow rules may know and do: thresholds, the baseline when a model is loaded, the BMCs seen, raising alerts.</summary>
internal sealed class RuleContext
{
    /// <summary>BMCs learned in this run, bounded (a spoofed flood cannot grow it without limit).</summary>
    private const int MaxObservedBmcs = 100_000;

    private readonly HashSet<HostAddress> _observedBmcs = [];
    private readonly Action<Signature, FlowRecord, HostAddress, HostAddress, string, IReadOnlyList<KeyValuePair<string, string>>, string?, bool> _raise;

    public RuleContext(DetectionSettings settings, IBaselineView? baseline,
        Action<Signature, FlowRecord, HostAddress, HostAddress, string, IReadOnlyList<KeyValuePair<string, string>>, string?, bool> raise)
    {
        Settings = settings;
        Baseline = baseline;
        _raise = raise;
    }

    public DetectionSettings Settings { get; }

    /// <summary>The model's baseline, or null when running rules only.</summary>
    public IBaselineView? Baseline { get; }

    /// <summary>A host is a BMC if the baseline says so or it answered a BMC protocol in this run.</summary>
    public bool IsBmc(HostAddress host) => _observedBmcs.Contains(host) || (Baseline?.IsBmc(host) ?? false);

    /// <summary>
    /// The flow's client is a BMC acting as a client of another host (a host talking to itself, as on a
    /// loopback test bench, is not a client of anything).
    /// </summary>
    public bool BmcIsClient(FlowRecord flow) => flow.OrigHost != flow.RespHost && IsBmc(flow.OrigHost);

    /// <summary>
    /// Inside the management network: the baseline's address space when a model is loaded, otherwise
    /// private address space (RFC 1918 and friends).
    /// </summary>
    public bool IsInside(HostAddress host) => Baseline?.IsSiteAddress(host) ?? BaselineProfile.IsPrivate(host);

    /// <summary>Learns BMCs from flows in which they answered a BMC protocol.</summary>
    public void Learn(FlowRecord flow)
    {
        if (flow.RespPackets > 0 && _observedBmcs.Count < MaxObservedBmcs && BaselineProfile.BmcServices.Contains(ServiceKey.Of(flow)))
        {
            _observedBmcs.Add(flow.RespHost);
        }
    }

    /// <summary>
    /// Raises an alert about a flow (source and destination may differ from its endpoints). With
    /// <paramref name="anyDestination"/> the incident is the source's whatever host it reached (sweeps).
    /// </summary>
    public void Alert(Signature signature, FlowRecord flow, HostAddress source, HostAddress destination, string description,
        IReadOnlyList<KeyValuePair<string, string>> evidence, string? incidentKey = null, bool anyDestination = false) =>
        _raise(signature, flow, source, destination, description, evidence, incidentKey, anyDestination);
}
