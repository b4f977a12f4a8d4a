using MgmtWatch.Core.Analyzers.Dhcp;
using MgmtWatch.Core.Analyzers.Dns;
using MgmtWatch.Core.Analyzers.Http;
using MgmtWatch.Core.Analyzers.Ipmi;
using MgmtWatch.Core.Analyzers.Kvm;
using MgmtWatch.Core.Analyzers.Ldap;
using MgmtWatch.Core.Analyzers.Ntp;
using MgmtWatch.Core.Analyzers.Rfb;
using MgmtWatch.Core.Analyzers.Snmp;
using MgmtWatch.Core.Analyzers.Ssh;
using MgmtWatch.Core.Analyzers.Syslog;
using MgmtWatch.Core.Analyzers.Tls;

namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// The analyzers of one pipeline, each with a one-byte id stored in the flow (0: none chosen yet,
/// 255: none applies), and the port map that offers a flow to its expected analyzer first.
/// </summary>
public sealed class AnalyzerRegistry
{
    /// <summary>No analyzer has been chosen for the flow yet.</summary>
    public const byte Undecided = 0;

    /// <summary>No analyzer applies; the flow is not offered again.</summary>
    public const byte NoAnalyzer = 255;

    private readonly IProtocolAnalyzer[] _analyzers;
    private readonly Dictionary<int, byte> _byPort = [];
    private readonly HashSet<ushort> _servicePorts = [];

    /// <summary>Registers <paramref name="analyzers"/> (at most 254), in order of preference for content detection.</summary>
    public AnalyzerRegistry(IEnumerable<IProtocolAnalyzer> analyzers)
    {
        ArgumentNullException.ThrowIfNull(analyzers);
        _analyzers = [.. analyzers];
        if (_analyzers.Length >= NoAnalyzer)
        {
            throw new ArgumentException("at most 254 analyzers", nameof(analyzers));
        }

        for (var i = 0; i < _analyzers.Length; i++)
        {
            foreach (var port in _analyzers[i].Ports)
            {
                _byPort.TryAdd((port.Protocol << 16) | port.Port, (byte)(i + 1));
                _servicePorts.Add(port.Port);
            }
        }
    }

    /// <summary>A registry with every built-in analyzer, freshly created (analyzers keep per-flow state).</summary>
    public static AnalyzerRegistry CreateDefault() => new(
    [
        new IpmiAnalyzer(),
        new NtpAnalyzer(),
        new TlsAnalyzer(),
        new SshAnalyzer(),
        new HttpAnalyzer(),
        new RfbAnalyzer(),
        VendorSessionAnalyzer.Console(),
        VendorSessionAnalyzer.VirtualMedia(),
        new SnmpAnalyzer(),
        new DnsAnalyzer(),
        new DhcpAnalyzer(),
        new SyslogAnalyzer(),
        new LdapAnalyzer(),
    ]);

    /// <summary>The analyzers, by id − 1.</summary>
    public IReadOnlyList<IProtocolAnalyzer> Analyzers => _analyzers;

    /// <summary>The analyzer with <paramref name="id"/> (1–254).</summary>
    public IProtocolAnalyzer this[byte id] => _analyzers[id - 1];

    /// <summary>The analyzer expected on a responder port, or <see cref="Undecided"/>.</summary>
    public byte ForPort(byte protocol, ushort port) => _byPort.GetValueOrDefault((protocol << 16) | port);

    /// <summary>True for ports an analyzer registered: Zeek's likely_server_ports, used to pick a flow's originator.</summary>
    public bool IsServicePort(ushort port) => _servicePorts.Contains(port);

    /// <summary>The first analyzer whose content check accepts the packet, or <see cref="Undecided"/>.</summary>
    public byte Detect(scoped in AnalyzerPacket packet)
    {
        for (var i = 0; i < _analyzers.Length; i++)
        {
            if (_analyzers[i].Accepts(packet))
            {
                return (byte)(i + 1);
            }
        }

        return Undecided;
    }
}
