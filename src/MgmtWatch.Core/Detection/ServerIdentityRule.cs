using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// A server proving itself with another identity than before (threats.md §14): another TLS certificate, SSH
/// host key or IPMI managed-system GUID. BMC firmware makes itself new keys when it is reflashed, and a
/// machine answering in a BMC's place (a spoofed address, a man in the middle) shows its own keys and GUID.
/// Each server (address and port) is judged against the last identity it presented in this run (a
/// monitor's run lasts months) and, with a model, against those the baseline saw it present: a capture
/// taken after the change alerts on its first handshake, and a server that moves between identities the
/// baseline already knew does not alert. The alert's source is the server; one incident covers every
/// client that meets the new identity.
/// </summary>
internal sealed class ServerIdentityRule : IFlowRule
{
    /// <summary>Servers remembered at most; past it new servers are not followed, so a flood of them cannot grow the table.</summary>
    internal const int MaxServers = 65_536;

    private readonly Dictionary<(HostAddress, ushort), Presented> _servers = [];

    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (ServerIdentity.FingerprintOf(flow) is not { } fingerprint)
        {
            return;
        }

        // Most flows are a poller meeting the identity it met last time: one lookup, nothing else.
        var server = (flow.RespHost, flow.RespPort);
        var seen = _servers.TryGetValue(server, out var before);
        if (seen && before.Fingerprint == fingerprint)
        {
            return;
        }

        var tls = flow.Service == "tls";
        var now = new Presented(fingerprint, tls ? flow.Field("tls.subject") : null, tls ? flow.Field("tls.notbefore") : null);
        if (seen || _servers.Count < MaxServers)
        {
            _servers[server] = now;
        }

        var known = context.Baseline?.IdentitiesOf(flow.RespHost, flow.RespPort) ?? [];
        if (known.Contains(fingerprint) || (!seen && known.Count == 0))
        {
            return;
        }

        var port = flow.RespPort.ToString(CultureInfo.InvariantCulture);
        var previous = seen ? before.Fingerprint : string.Join(",", known);
        var evidence = new List<KeyValuePair<string, string>> { new("fingerprint", fingerprint) };
        evidence.AddIfSet("subject", now.Subject);
        evidence.AddIfSet("notbefore", now.NotBefore);
        evidence.Add(new("previous_fingerprint", previous));
        if (seen)
        {
            evidence.AddIfSet("previous_subject", before.Subject);
            evidence.AddIfSet("previous_notbefore", before.NotBefore);
        }

        var (signature, what) = flow.Service switch
        {
            "ssh" => (Signatures.SshHostKeyChanged, "an SSH host key"),
            "ipmi" => (Signatures.IpmiBmcGuidChanged, "an IPMI managed-system GUID"),
            "tls" => (Signatures.TlsCertificateChanged, "a TLS certificate"),
            _ => throw new InvalidOperationException($"no identity rule for service {flow.Service} (see ServerIdentity.FieldOf)"),
        };
        var earlier = seen ? "the one it presented earlier" : known.Count == 1 ? "the one the baseline saw it present" : "those the baseline saw it present";
        context.Alert(signature, flow, flow.RespHost, flow.OrigHost,
            $"{flow.RespHost}:{port} presented {what} other than {earlier} (fingerprint {fingerprint}, before {previous}): a reflash, a new key, or another machine answering in its place",
            evidence, incidentKey: port, anyDestination: true);
    }

    private readonly record struct Presented(string Fingerprint, string? Subject, string? NotBefore);
}
