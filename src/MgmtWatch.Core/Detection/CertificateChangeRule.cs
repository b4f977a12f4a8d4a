using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// A TLS server presenting a certificate other than the one it presented before (threats.md §14): BMC
/// firmware makes itself a new self-signed certificate when it is reflashed, and a machine answering in a
/// BMC's place (a spoofed address, a man in the middle) shows its own. Each server (address and port) is
/// judged against the last certificate it presented in this run (a monitor's run lasts months) and, with a
/// model, against the certificates the baseline saw it present: a capture taken after the change alerts
/// on its first handshake, and a server that moves between certificates the baseline already knew does not
/// alert. The alert's source is the server; one incident covers every client that meets the new certificate.
/// </summary>
internal sealed class CertificateChangeRule : IFlowRule
{
    /// <summary>Servers remembered at most; past it new servers are not followed, so a flood of them cannot grow the table.</summary>
    internal const int MaxServers = 65_536;

    private readonly Dictionary<(HostAddress, ushort), Presented> _servers = [];

    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (flow.Service != "tls" || flow.Field("tls.fingerprint") is not { } fingerprint)
        {
            return;
        }

        var server = (flow.RespHost, flow.RespPort);
        var now = new Presented(fingerprint, flow.Field("tls.subject"), flow.Field("tls.notbefore"));
        var known = context.Baseline?.CertificatesOf(flow.RespHost, flow.RespPort) ?? [];
        var seen = _servers.TryGetValue(server, out var before);
        if (seen || _servers.Count < MaxServers)
        {
            _servers[server] = now;
        }

        if (known.Contains(fingerprint) || (seen ? before.Fingerprint == fingerprint : known.Count == 0))
        {
            return;
        }

        var port = flow.RespPort.ToString(CultureInfo.InvariantCulture);
        var previous = seen ? before.Fingerprint : string.Join(",", known);
        var evidence = new List<KeyValuePair<string, string>>
        {
            new("fingerprint", fingerprint), new("subject", now.Subject ?? ""), new("notbefore", now.NotBefore ?? ""),
            new("previous_fingerprint", previous),
        };
        if (seen)
        {
            evidence.Add(new("previous_subject", before.Subject ?? ""));
            evidence.Add(new("previous_notbefore", before.NotBefore ?? ""));
        }

        var earlier = seen ? "the one it presented earlier" : known.Count == 1 ? "the one the baseline saw it present" : "those the baseline saw it present";
        context.Alert(Signatures.TlsCertificateChanged, flow, flow.RespHost, flow.OrigHost,
            $"{flow.RespHost}:{port} presented a TLS certificate other than {earlier} (fingerprint {fingerprint}, before {previous}): a reflash, a new certificate, or another machine answering in its place",
            evidence, incidentKey: port, anyDestination: true);
    }

    private readonly record struct Presented(string Fingerprint, string? Subject, string? NotBefore);
}
