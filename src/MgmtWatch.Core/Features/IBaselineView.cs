using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Features;

/// <summary>What the baseline knows, as the novelty features ask it.</summary>
public interface IBaselineView
{
    /// <summary>The host appeared in the baseline.</summary>
    bool KnowsHost(HostAddress host);

    /// <summary>The originator talked to the responder in the baseline.</summary>
    bool KnowsPair(HostAddress originator, HostAddress responder);

    /// <summary>The host used the service as a client in the baseline.</summary>
    bool KnowsClientService(HostAddress client, string service);

    /// <summary>The host offered the service as a server in the baseline.</summary>
    bool KnowsServerService(HostAddress server, string service);

    /// <summary>The address is inside the site's management address space.</summary>
    bool IsSiteAddress(HostAddress address);

    /// <summary>The host is a BMC (it answered BMC protocols in the baseline).</summary>
    bool IsBmc(HostAddress host);

    /// <summary>
    /// What the server proved itself with on the port in the baseline: TLS certificates (tls.fingerprint), SSH
    /// host keys (ssh.host_key_fingerprint), BMC GUIDs (ipmi.bmc_guid); empty when it presented none there.
    /// </summary>
    IReadOnlyList<string> IdentitiesOf(HostAddress server, ushort port);
}
