namespace MgmtWatch.Core.Simulation;

/// <summary>What an administrator does on a BMC.</summary>
internal enum AdminSessionKind
{
    Ssh,
    WebUi,
    Kvm,
    VirtualMedia,
    Ipmitool,
    FirmwareUpdate,
}
