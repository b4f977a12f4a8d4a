using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Analyzers.Kvm;

/// <summary>
/// Vendor remote-console and virtual-media sessions on their dedicated ports (threats.md §7–9, §15): HPE
/// iLO's Integrated Remote Console (17990) and virtual media (17988), Dell iDRAC's virtual media
/// (3668/3669), Supermicro's virtual media (TCP 623, the USBAnywhere service; 5120/5123 on X8 boards) and
/// Lenovo's remote presence (3900). Their protocols are proprietary and mostly encrypted, so nothing is
/// parsed: a flow is confirmed as a session once it carries data both ways, and the record says which
/// kind, which vendor's port, and which side is the client — what the per-host KVM and virtual-media
/// rules (9106001, 9106002) compare with the baseline. The flow is not inspected after that.
/// </summary>
public sealed class VendorSessionAnalyzer : IProtocolAnalyzer
{
    private readonly Dictionary<ushort, string> _vendors;
    private readonly string _kind;
    private readonly FlowStates<State> _states = new();

    private VendorSessionAnalyzer(string name, string kind, IReadOnlyList<(ushort Port, string Vendor)> ports)
    {
        Name = name;
        _kind = kind;
        _vendors = ports.ToDictionary(p => p.Port, p => p.Vendor);
        Ports = [.. ports.Select(p => new ServicePort(IpProtocol.Tcp, p.Port))];
    }

    /// <summary>Remote consoles: service <c>kvm</c>, <c>kvm.kind</c> console.</summary>
    public static VendorSessionAnalyzer Console() => new("kvm", "console",
    [
        (17990, "hpe-ilo"), // iLO Integrated Remote Console
        (3900, "lenovo"), // IMM/XCC remote presence
    ]);

    /// <summary>Virtual media: service <c>vmedia</c>, <c>kvm.kind</c> virtual-media.</summary>
    public static VendorSessionAnalyzer VirtualMedia() => new("vmedia", "virtual-media",
    [
        (17988, "hpe-ilo"), // iLO virtual media
        (3668, "dell-idrac"), // iDRAC virtual media (older generations)
        (3669, "dell-idrac"), // iDRAC virtual media over SSL
        (623, "supermicro"), // X9–X11, H11/H12: the USBAnywhere service (CVE-2019-16649/16650)
        (5120, "supermicro"), // X8 virtual CD-ROM
        (5123, "supermicro"), // X8 virtual floppy
    ]);

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public IReadOnlyList<ServicePort> Ports { get; }

    /// <summary>Never by content: the protocols are proprietary, and a guess would mislabel other traffic.</summary>
    public bool Accepts(scoped in AnalyzerPacket packet) => false;

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = _states.Get(packet.Flow);
        if (packet.FromOriginator)
        {
            state.OriginatorSent = true;
        }
        else
        {
            state.ResponderSent = true;
        }

        if (state.OriginatorSent && state.ResponderSent)
        {
            context.Confirm(packet);

            // The client is the side not on the service port (a capture that began mid-session may have
            // named either side the originator).
            var clientIsOriginator = _vendors.ContainsKey(packet.ResponderPort) || !_vendors.ContainsKey(packet.OriginatorPort);
            state.Client = (clientIsOriginator ? packet.Originator : packet.Responder).ToString();
            state.Vendor = _vendors.GetValueOrDefault(clientIsOriginator ? packet.ResponderPort : packet.OriginatorPort);
            context.StopInspecting(packet);
        }
    }

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var state = _states.Find(flow);
        if (state?.Client is not null)
        {
            fields.Add(new("kvm.kind", _kind));
            if (state.Vendor is not null)
            {
                fields.Add(new("kvm.vendor", state.Vendor));
            }

            fields.Add(new("kvm.client", state.Client));
        }

        if (final)
        {
            _states.Release(flow);
        }
    }

    private sealed class State : IResettable
    {
        public bool OriginatorSent { get; set; }

        public bool ResponderSent { get; set; }

        public string? Client { get; set; }

        public string? Vendor { get; set; }

        public void Reset()
        {
            OriginatorSent = ResponderSent = false;
            Client = Vendor = null;
        }
    }
}
