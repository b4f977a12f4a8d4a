using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Features;

/// <summary>
/// What a flow's server proved itself with, as its analyzer recorded it: the TLS certificate's fingerprint
/// (TLS 1.2 and older), the SSH host key's, or the IPMI managed-system GUID a BMC sends in RAKP2. The
/// baseline remembers these per server; a rule compares them.
/// </summary>
public static class ServerIdentity
{
    /// <summary>The analyzer field that holds the fingerprint for flows of <paramref name="service"/>, or null.</summary>
    public static string? FieldOf(string? service) => service switch
    {
        "tls" => "tls.fingerprint",
        "ssh" => "ssh.host_key_fingerprint",
        "ipmi" => "ipmi.bmc_guid",
        _ => null,
    };

    /// <summary>The fingerprint of the key the flow's server presented, or null.</summary>
    public static string? FingerprintOf(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return FieldOf(flow.Service) is { } field ? flow.Field(field) : null;
    }
}
