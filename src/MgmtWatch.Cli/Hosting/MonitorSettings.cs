namespace MgmtWatch.Cli.Hosting;

/// <summary>
/// Settings of <c>mgmtwatch monitor</c>, section "Monitor" of the configuration. Precedence (STYLE §3):
/// built-in defaults &lt; /etc/mgmtwatch/mgmtwatch.json or --config &lt; environment MGMTWATCH_Monitor__Key
/// &lt; command-line options.
/// </summary>
internal sealed class MonitorSettings
{
    public string Interface { get; set; } = "";

    public string? Filter { get; set; }

    public int SnapLength { get; set; } = Core.Capture.CaptureFileReader.MaxPacketLength;

    public bool Promiscuous { get; set; } = true;

    /// <summary>Model directory; empty for rules only.</summary>
    public string? Model { get; set; }

    /// <summary>EVE output: a file, "-" for standard output, "none".</summary>
    public string Eve { get; set; } = "-";

    /// <summary>Flow log file, or null.</summary>
    public string? Flows { get; set; }

    /// <summary>json or zeek-tsv.</summary>
    public string FlowFormat { get; set; } = "json";

    /// <summary>Prometheus endpoint (host:port), loopback by default; empty to disable.</summary>
    public string? MetricsListen { get; set; }

    /// <summary>Seconds between EVE stats events (Suricata writes them every few seconds; 0 disables).</summary>
    public int StatsIntervalSeconds { get; set; } = 30;

    public int MaxFlows { get; set; } = Core.Flows.FlowTable.DefaultMaxFlows;

    public string? FingerprintKey { get; set; }

    /// <summary>
    /// User to become once the capture is open (root is needed only to open it); null to stay as started.
    /// Under systemd the unit's User= and AmbientCapabilities= do the same without root at all.
    /// </summary>
    public string? User { get; set; }

    public List<string> Thresholds { get; set; } = [];

    public List<string> Timeouts { get; set; } = [];

    /// <summary>CIDR networks of the management stations (see <c>--manager-network</c>).</summary>
    public List<string> ManagerNetworks { get; set; } = [];
}
