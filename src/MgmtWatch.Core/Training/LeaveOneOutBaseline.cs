using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Features;

namespace MgmtWatch.Core.Training;

/// <summary>
/// Novelty as the training flows themselves would have met it: against the profile of every training
/// flow, a host, pair or service counts as new when the flow being judged is its only occurrence
/// (leave-one-out). This gives the novelty features the rate at which normal traffic meets something rare,
/// without the artefact of a profile that starts empty (where the first flows are all "new").
/// </summary>
internal sealed class LeaveOneOutBaseline : IBaselineView
{
    private readonly BaselineProfile _profile;

    public LeaveOneOutBaseline(BaselineProfile profile) => _profile = profile;

    public bool KnowsHost(HostAddress host) => _profile.HostOccurrences(host) > 1;

    public bool KnowsPair(HostAddress originator, HostAddress responder) => _profile.PairOccurrences(originator, responder) > 1;

    public bool KnowsClientService(HostAddress client, string service) => _profile.ClientServiceOccurrences(client, service) > 1;

    public bool KnowsServerService(HostAddress server, string service) => _profile.ServerServiceOccurrences(server, service) > 1;

    public bool IsSiteAddress(HostAddress address) => _profile.IsSiteAddress(address);

    public bool IsBmc(HostAddress host) => _profile.IsBmc(host);

    public IReadOnlyList<string> IdentitiesOf(HostAddress server, ushort port) => _profile.IdentitiesOf(server, port);
}
