namespace MgmtWatch.Core.Simulation;

/// <summary>Why a BMC went away.</summary>
internal enum OutageReason
{
    /// <summary>A spontaneous reboot (watchdog, manual reset).</summary>
    Reboot,

    /// <summary>Flashing after a firmware upload by an admin in a change window.</summary>
    FirmwareUpdate,

    /// <summary>Flashing after the firmware-push-unusual attack.</summary>
    AttackFirmwarePush,
}

/// <summary>A span during which a BMC sends and answers nothing, then boots at <see cref="UpAt"/>.</summary>
internal sealed record Outage(long DownAt, long UpAt, OutageReason Reason);
