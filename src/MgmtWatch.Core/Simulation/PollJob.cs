namespace MgmtWatch.Core.Simulation;

/// <summary>One monitoring job running on a poller host against every BMC.</summary>
internal sealed class PollJob
{
    public required Host Poller { get; init; }

    public required PollSoftware Software { get; init; }

    /// <summary>Nominal period (µs).</summary>
    public required long Period { get; init; }

    /// <summary>IPMI user name and password, or SNMPv3 user and authentication key source.</summary>
    public string User { get; init; } = "";

    public string Password { get; init; } = "";

    /// <summary>RAKP1 requested role byte (IPMI v2.0 §13.20): 0x14 name-only lookup, administrator.</summary>
    public byte Role { get; init; } = 0x14;

    /// <summary>Whether the tool prefers cipher suite 17 when the BMC offers it.</summary>
    public bool PrefersSuite17 { get; init; }

    /// <summary>ipmi_exporter collectors (one FreeIPMI session each).</summary>
    public IReadOnlyList<string> Collectors { get; init; } = [];

    /// <summary>SNMP v2c community.</summary>
    public string Community { get; init; } = "";

    /// <summary>SNMPv3: true for authPriv, false for authNoPriv.</summary>
    public bool Privacy { get; init; }

    /// <summary>Redfish: connect by name (SNI and DNS lookups) rather than by address.</summary>
    public bool UsesNames { get; init; }

    /// <summary>ipmitool cron: a full <c>sdr elist</c> (heavy) rather than chassis status and SEL info.</summary>
    public bool Heavy { get; init; }

    /// <summary>Restart times of the software (µs): after each, its schedule resumes with a new phase.</summary>
    public List<long> Restarts { get; } = [];
}
