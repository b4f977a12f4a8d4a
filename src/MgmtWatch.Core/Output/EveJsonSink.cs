namespace MgmtWatch.Core.Output;

/// <summary>Writes alerts, anomalies, flows and stats to one EVE JSON Lines file (or standard output).</summary>
public sealed class EveJsonSink : IEventSink
{
    private readonly JsonLinesWriter _out;

    /// <summary>Writes to <paramref name="path"/> ("-" for standard output).</summary>
    public EveJsonSink(string path, bool append = false) => _out = new JsonLinesWriter(path, append);

    /// <summary>Writes to an existing writer.</summary>
    public EveJsonSink(JsonLinesWriter writer) => _out = writer;

    /// <summary>Whether flow events are written (Suricata's <c>flow</c> type can be turned off too).</summary>
    public bool WriteFlows { get; init; } = true;

    /// <summary>The underlying writer (for reopening after rotation).</summary>
    public JsonLinesWriter Writer => _out;

    /// <inheritdoc/>
    public void Emit(FlowRecord flow)
    {
        if (!WriteFlows)
        {
            return;
        }

        FlowEventWriter.Write(_out, flow);
        _out.End();
    }

    /// <inheritdoc/>
    public void Emit(AnomalyEvent anomaly)
    {
        AnomalyEventWriter.Write(_out, anomaly);
        _out.End();
    }

    /// <inheritdoc/>
    public void Emit(AlertEvent alert)
    {
        AlertEventWriter.Write(_out, alert);
        _out.End();
    }

    /// <inheritdoc/>
    public void Emit(StatsEvent stats)
    {
        StatsEventWriter.Write(_out.Begin(), stats);
        _out.End();
    }

    /// <inheritdoc/>
    public void Flush() => _out.Flush();

    /// <inheritdoc/>
    public void Dispose() => _out.Dispose();
}
