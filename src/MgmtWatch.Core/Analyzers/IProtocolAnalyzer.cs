namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// A management-protocol analyzer (one folder per protocol, as Zeek's src/analyzer/protocol/&lt;name&gt;/):
/// it claims flows whose payload is its protocol, follows each flow's exchange, reports violations as
/// <c>anomaly</c> events (never exceptions), raises its protocol's alerts, and writes its findings into
/// the flow record when the flow ends.
/// </summary>
public interface IProtocolAnalyzer
{
    /// <summary>Lower-case name: the flow log's <c>service</c> and EVE's <c>app_proto</c>.</summary>
    string Name { get; }

    /// <summary>Ports where the protocol is expected; flows to them are offered to this analyzer first.</summary>
    IReadOnlyList<ServicePort> Ports { get; }

    /// <summary>
    /// Whether the payload of one of the first packets of an unclaimed flow is this protocol. Must be
    /// cheap and strict: a false match mislabels a flow. Called at most a few times per flow.
    /// </summary>
    bool Accepts(scoped in AnalyzerPacket packet);

    /// <summary>Inspects a payload-carrying packet of a flow this analyzer claimed.</summary>
    void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context);

    /// <summary>
    /// The flow ended (or, for <paramref name="final"/> false, an interim record is written): add fields to
    /// <paramref name="fields"/> (written as <c>mgmtwatch.&lt;name&gt;</c>), and when final release the flow's state.
    /// </summary>
    void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context);
}
