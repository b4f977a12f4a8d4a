using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// What an analyzer may do besides parsing: confirm its protocol on a flow, report a protocol violation,
/// raise an alert, and fingerprint credentials. One per pipeline; not thread-safe.
/// </summary>
public sealed class AnalyzerContext
{
    private readonly AnalysisPipeline _pipeline;
    private readonly MalformedTrafficRule _malformed;

    internal AnalyzerContext(AnalysisPipeline pipeline, CredentialFingerprinter fingerprints, DetectionSettings settings, SiteSettings site)
    {
        _pipeline = pipeline;
        _malformed = new MalformedTrafficRule(settings);
        Fingerprints = fingerprints;
        Settings = settings;
        Site = site;
    }

    /// <summary>Keyed fingerprints for credentials: never write a credential in clear.</summary>
    public CredentialFingerprinter Fingerprints { get; }

    /// <summary>Rule thresholds in force.</summary>
    public DetectionSettings Settings { get; }

    /// <summary>What the site configured about its network (manager networks); empty settings mean unknown.</summary>
    public SiteSettings Site { get; }

    /// <summary>Marks the flow as carrying this analyzer's protocol (its <c>service</c>).</summary>
    public void Confirm(scoped in AnalyzerPacket packet) => _pipeline.ConfirmService(packet.Flow);

    /// <summary>
    /// The analyzer has what it needs from the flow (a handshake): its later payload packets are not offered
    /// to <see cref="IProtocolAnalyzer.Inspect"/> any more, so a long session (a KVM stream, a firmware
    /// upload) costs nothing per packet. <see cref="IProtocolAnalyzer.OnFlowEnd"/> is still called.
    /// </summary>
    public void StopInspecting(scoped in AnalyzerPacket packet) => _pipeline.StopInspecting(packet.Flow);

    /// <summary>
    /// Reports a protocol violation as an EVE <c>anomaly</c> of type <c>applayer</c> (rate-limited), and counts
    /// it toward its sender's violations (<see cref="MalformedTrafficRule"/>).
    /// </summary>
    public void Anomaly(string appProto, string eventName, scoped in AnalyzerPacket packet)
    {
        _malformed.Observe(appProto, eventName, packet, this);
        _pipeline.EmitApplicationAnomaly(appProto, eventName, packet);
    }

    /// <summary>
    /// Raises an alert about the packet's flow, from the originator to the responder unless
    /// <paramref name="fromResponder"/>. Repeats of one incident (same signature, hosts and
    /// <paramref name="incidentKey"/>) within the incident window are counted, not written again.
    /// </summary>
    public void Alert(Signature signature, scoped in AnalyzerPacket packet, string description,
        IReadOnlyList<KeyValuePair<string, string>>? evidence = null, string? incidentKey = null, bool fromResponder = false)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var source = fromResponder ? packet.Responder : packet.Originator;
        var destination = fromResponder ? packet.Originator : packet.Responder;
        var sourcePort = fromResponder ? packet.ResponderPort : packet.OriginatorPort;
        var destinationPort = fromResponder ? packet.OriginatorPort : packet.ResponderPort;
        _pipeline.RaiseAlert(new AlertRequest(signature, packet.Timestamp, packet.PacketNumber, packet.Flow,
            source, sourcePort, destination, destinationPort, packet.Protocol, packet.IpVersion, description, evidence, incidentKey));
    }

    /// <summary>
    /// Raises an alert about hosts rather than one packet's direction (sweeps, posture findings). With
    /// <paramref name="anyDestination"/> the incident is the source's whatever host it reached, so a sweep
    /// of many hosts is one alert.
    /// </summary>
    public void Alert(Signature signature, scoped in AnalyzerPacket packet, HostAddress source, HostAddress destination, string description,
        IReadOnlyList<KeyValuePair<string, string>>? evidence = null, string? incidentKey = null, bool anyDestination = false)
    {
        ArgumentNullException.ThrowIfNull(signature);
        _pipeline.RaiseAlert(new AlertRequest(signature, packet.Timestamp, packet.PacketNumber, packet.Flow,
            source, null, destination, null, packet.Protocol, packet.IpVersion, description, evidence, incidentKey)
        {
            AnyDestination = anyDestination,
        });
    }
}
