using Prometheus;

namespace MgmtWatch.Core.Metrics;

/// <summary>
/// The sensor's Prometheus metrics (STYLE §5): prefix <c>mgmtwatch_</c>, base units, counters ending in
/// <c>_total</c>, labels from small fixed sets only (never an address, port, uid or flow id).
/// </summary>
public static class SensorMetrics
{
    /// <summary>libpcap ps_recv.</summary>
    public static readonly Counter PacketsReceived = Prometheus.Metrics.CreateCounter(
        "mgmtwatch_capture_packets_received_total", "Packets the kernel delivered to the capture socket (libpcap ps_recv).", "interface");

    /// <summary>libpcap ps_drop.</summary>
    public static readonly Counter PacketsDropped = Prometheus.Metrics.CreateCounter(
        "mgmtwatch_capture_packets_dropped_total", "Packets the kernel dropped because the capture buffer was full (libpcap ps_drop).", "interface");

    /// <summary>libpcap ps_ifdrop.</summary>
    public static readonly Counter PacketsInterfaceDropped = Prometheus.Metrics.CreateCounter(
        "mgmtwatch_capture_packets_if_dropped_total", "Packets the interface dropped (libpcap ps_ifdrop; always 0 with Linux's libpcap).", "interface");

    /// <summary>Our own queue drops.</summary>
    public static readonly Counter PipelineDropped = Prometheus.Metrics.CreateCounter(
        "mgmtwatch_pipeline_packets_dropped_total", "Packets dropped by MgmtWatch's own queue between capture and analysis (not kernel drops).", "stage");

    /// <summary>Wall clock minus packet time.</summary>
    public static readonly Gauge CaptureLag = Prometheus.Metrics.CreateGauge(
        "mgmtwatch_capture_lag_seconds", "Wall clock minus the capture time of the newest packet analysed.");

    /// <summary>Active flows.</summary>
    public static readonly Gauge FlowsActive = Prometheus.Metrics.CreateGauge("mgmtwatch_flows_active", "Flows in the flow table.");

    /// <summary>Flows ended, by transport.</summary>
    public static readonly Counter FlowsTotal = Prometheus.Metrics.CreateCounter("mgmtwatch_flows_total", "Flows ended, by transport.", "proto");

    /// <summary>Flows evicted.</summary>
    public static readonly Counter FlowsEvicted = Prometheus.Metrics.CreateCounter(
        "mgmtwatch_flows_evicted_total", "Flows ended early, by reason (table_full: the flow table reached --max-flows).", "reason");

    /// <summary>Alerts written.</summary>
    public static readonly Counter Alerts = Prometheus.Metrics.CreateCounter("mgmtwatch_alerts_total", "Alerts written.", "severity", "signature_id");

    /// <summary>Anomalies written.</summary>
    public static readonly Counter Anomalies = Prometheus.Metrics.CreateCounter("mgmtwatch_anomalies_total", "Protocol anomalies written, by application protocol (decode for decoder anomalies).", "app_proto");

    /// <summary>Events that could not be written.</summary>
    public static readonly Counter OutputFailures = Prometheus.Metrics.CreateCounter("mgmtwatch_output_failures_total", "Writes an output failed to make (disk full, unwritable file); each may have held several events.", "output");

    /// <summary>Time spent scoring a flow.</summary>
    public static readonly Histogram ScoreDuration = Prometheus.Metrics.CreateHistogram(
        "mgmtwatch_score_duration_seconds", "Time to extract features and score one flow.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1e-6, 4, 8) });

    /// <summary>Model in use (value 1).</summary>
    public static readonly Gauge ModelInfo = Prometheus.Metrics.CreateGauge("mgmtwatch_model_info", "The model in use (value 1).", "model_id");

    /// <summary>Build (value 1).</summary>
    public static readonly Gauge BuildInfo = Prometheus.Metrics.CreateGauge("mgmtwatch_build_info", "MgmtWatch build (value 1).", "version");
}
