namespace MgmtWatch.Core.Simulation;

/// <summary>BMC families the simulator models.</summary>
internal enum BmcVendor
{
    /// <summary>Supermicro (ATEN / AMI MegaRAC firmware).</summary>
    Supermicro,

    /// <summary>Dell iDRAC.</summary>
    Dell,

    /// <summary>HPE iLO.</summary>
    Hpe,

    /// <summary>Lenovo XClarity Controller.</summary>
    Lenovo,

    /// <summary>OpenBMC (bmcweb, phosphor-net-ipmid) on ASPEED boards of various makers.</summary>
    OpenBmc,
}
