using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Metrics;

/// <summary>Counts events into the Prometheus metrics as they are emitted.</summary>
public sealed class MetricsSink : IEventSink
{
    /// <inheritdoc/>
    public void Emit(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (flow.Reason == FlowEndReason.Interim)
        {
            return;
        }

        SensorMetrics.FlowsTotal.WithLabels(IpProtocol.ZeekName(flow.Protocol)).Inc();
        if (flow.Reason == FlowEndReason.Evicted)
        {
            SensorMetrics.FlowsEvicted.WithLabels("table_full").Inc();
        }
    }

    /// <inheritdoc/>
    public void Emit(AnomalyEvent anomaly)
    {
        ArgumentNullException.ThrowIfNull(anomaly);
        SensorMetrics.Anomalies.WithLabels(anomaly.AppProto ?? "decode").Inc();
    }

    /// <inheritdoc/>
    public void Emit(AlertEvent alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        SensorMetrics.Alerts.WithLabels(alert.Severity.ToString(CultureInfo.InvariantCulture), alert.SignatureId.ToString(CultureInfo.InvariantCulture)).Inc();
    }

    /// <inheritdoc/>
    public void Emit(StatsEvent stats)
    {
    }

    /// <inheritdoc/>
    public void Flush()
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
