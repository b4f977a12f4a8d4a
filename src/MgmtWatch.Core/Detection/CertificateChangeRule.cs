using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// A TLS server presenting a certificate other than the one it presented before (threats.md §14): BMC
/// firmware makes itself a new self-signed certificate when it is reflashed, and a machine answering in a
/// BMC's place (a spoofed address, a man in the middle) shows its own. Each server (address and port) is
/// judged against the last certificate it presented in this run; a monitor's run lasts months. The
/// alert's source is the server, and one incident covers every client that meets the new certificate.
/// </summary>
internal sealed class CertificateChangeRule : IFlowRule
{
    /// <summary>Servers remembered at most; past it new servers are not followed, so a flood of them cannot grow the table.</summary>
    internal const int MaxServers = 65_536;

    private readonly Dictionary<(HostAddress, ushort), Presented> _servers = [];

    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (flow.Service != "tls" || Field(flow, "tls.fingerprint") is not { } fingerprint)
        {
            return;
        }

        var server = (flow.RespHost, flow.RespPort);
        var now = new Presented(fingerprint, Field(flow, "tls.subject"), Field(flow, "tls.notbefore"));
        if (!_servers.TryGetValue(server, out var before))
        {
            if (_servers.Count < MaxServers)
            {
                _servers.Add(server, now);
            }

            return;
        }

        if (before.Fingerprint == fingerprint)
        {
            return;
        }

        _servers[server] = now;
        var port = flow.RespPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Alert(Signatures.TlsCertificateChanged, flow, flow.RespHost, flow.OrigHost,
            $"{flow.RespHost}:{port} presented a TLS certificate other than the one it presented earlier (fingerprint {fingerprint}, before {before.Fingerprint}): a reflash, a new certificate, or another machine answering in its place",
            [
                new("fingerprint", fingerprint), new("subject", now.Subject ?? ""), new("notbefore", now.NotBefore ?? ""),
                new("previous_fingerprint", before.Fingerprint), new("previous_subject", before.Subject ?? ""), new("previous_notbefore", before.NotBefore ?? ""),
            ],
            incidentKey: port, anyDestination: true);
    }

    private static string? Field(FlowRecord flow, string name)
    {
        foreach (var (key, value) in flow.Fields)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }

    private readonly record struct Presented(string Fingerprint, string? Subject, string? NotBefore);
}
