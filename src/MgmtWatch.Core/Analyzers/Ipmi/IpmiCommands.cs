using System.Globalization;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// Names of the IPMI commands a security reader wants to recognise (IPMI v2.0 Appendix G command table;
/// HPM.1 for the group-extension firmware commands), and which of them are privileged: account, power,
/// boot, log, network, serial and firmware changes. Only the command is ever named, never its data.
/// </summary>
internal static class IpmiCommands
{
    /// <summary>The command's name, or null when this table does not know it.</summary>
    public static string? Name(byte netFn, byte command) => (netFn, command) switch
    {
        (Rmcp.NetFnChassis, 0x00) => "get_chassis_capabilities",
        (Rmcp.NetFnChassis, 0x01) => "get_chassis_status",
        (Rmcp.NetFnChassis, 0x02) => "chassis_control",
        (Rmcp.NetFnChassis, 0x03) => "chassis_reset",
        (Rmcp.NetFnChassis, 0x04) => "chassis_identify",
        (Rmcp.NetFnChassis, 0x06) => "set_power_restore_policy",
        (Rmcp.NetFnChassis, 0x08) => "set_system_boot_options",
        (Rmcp.NetFnChassis, 0x09) => "get_system_boot_options",
        (Rmcp.NetFnSensorEvent, 0x2D) => "get_sensor_reading",
        (Rmcp.NetFnSensorEvent, 0x20) => "get_device_sdr_info",
        (Rmcp.NetFnSensorEvent, 0x21) => "get_device_sdr",
        (Rmcp.NetFnApp, 0x01) => "get_device_id",
        (Rmcp.NetFnApp, 0x02) => "cold_reset",
        (Rmcp.NetFnApp, 0x03) => "warm_reset",
        (Rmcp.NetFnApp, 0x04) => "get_self_test_results",
        (Rmcp.NetFnApp, 0x08) => "get_device_guid",
        (Rmcp.NetFnApp, 0x22) => "reset_watchdog_timer",
        (Rmcp.NetFnApp, 0x24) => "set_watchdog_timer",
        (Rmcp.NetFnApp, 0x37) => "get_system_guid",
        (Rmcp.NetFnApp, Rmcp.CmdGetChannelAuthCapabilities) => "get_channel_auth_capabilities",
        (Rmcp.NetFnApp, Rmcp.CmdGetSessionChallenge) => "get_session_challenge",
        (Rmcp.NetFnApp, Rmcp.CmdActivateSession) => "activate_session",
        (Rmcp.NetFnApp, Rmcp.CmdSetSessionPrivilege) => "set_session_privilege",
        (Rmcp.NetFnApp, Rmcp.CmdCloseSession) => "close_session",
        (Rmcp.NetFnApp, 0x3D) => "get_session_info",
        (Rmcp.NetFnApp, 0x40) => "set_channel_access",
        (Rmcp.NetFnApp, 0x41) => "get_channel_access",
        (Rmcp.NetFnApp, 0x42) => "get_channel_info",
        (Rmcp.NetFnApp, 0x43) => "set_user_access",
        (Rmcp.NetFnApp, 0x44) => "get_user_access",
        (Rmcp.NetFnApp, 0x45) => "set_user_name",
        (Rmcp.NetFnApp, 0x46) => "get_user_name",
        (Rmcp.NetFnApp, 0x47) => "set_user_password",
        (Rmcp.NetFnApp, 0x48) => "activate_payload",
        (Rmcp.NetFnApp, 0x49) => "deactivate_payload",
        (Rmcp.NetFnApp, 0x4C) => "set_user_payload_access",
        (Rmcp.NetFnApp, Rmcp.CmdGetChannelCipherSuites) => "get_channel_cipher_suites",
        (Rmcp.NetFnApp, 0x56) => "set_channel_security_keys",
        (Rmcp.NetFnStorage, 0x10) => "get_fru_inventory_area_info",
        (Rmcp.NetFnStorage, 0x11) => "read_fru_data",
        (Rmcp.NetFnStorage, 0x12) => "write_fru_data",
        (Rmcp.NetFnStorage, 0x20) => "get_sdr_repository_info",
        (Rmcp.NetFnStorage, 0x22) => "reserve_sdr_repository",
        (Rmcp.NetFnStorage, 0x23) => "get_sdr",
        (Rmcp.NetFnStorage, 0x40) => "get_sel_info",
        (Rmcp.NetFnStorage, 0x42) => "reserve_sel",
        (Rmcp.NetFnStorage, 0x43) => "get_sel_entry",
        (Rmcp.NetFnStorage, 0x47) => "clear_sel",
        (Rmcp.NetFnTransport, 0x01) => "set_lan_configuration",
        (Rmcp.NetFnTransport, 0x02) => "get_lan_configuration",
        (Rmcp.NetFnTransport, 0x21) => "set_sol_configuration",
        (Rmcp.NetFnTransport, 0x22) => "get_sol_configuration",
        (Rmcp.NetFnGroupExtension, 0x2E) => "hpm_get_target_upgrade_capabilities",
        (Rmcp.NetFnGroupExtension, 0x31) => "hpm_initiate_upgrade_action",
        (Rmcp.NetFnGroupExtension, 0x32) => "hpm_upload_firmware_block",
        (Rmcp.NetFnGroupExtension, 0x33) => "hpm_finish_firmware_upload",
        (Rmcp.NetFnGroupExtension, 0x35) => "hpm_activate_firmware",
        (Rmcp.NetFnGroupExtension, 0x38) => "hpm_manual_firmware_rollback",
        _ => null,
    };

    /// <summary>The command's name, or <c>netfn_0xNN_cmd_0xNN</c> (allocates only for unnamed commands).</summary>
    public static string NameOrNumber(byte netFn, byte command) =>
        Name(netFn, command) ?? string.Create(CultureInfo.InvariantCulture, $"netfn_0x{netFn:x2}_cmd_0x{command:x2}");

    /// <summary>
    /// True for commands that change accounts, power, boot device, logs, network or serial configuration,
    /// keys or firmware: the ones threats.md §2 says must be named when they travel readable.
    /// </summary>
    public static bool IsPrivileged(byte netFn, byte command) => (netFn, command) switch
    {
        (Rmcp.NetFnChassis, 0x02 or 0x03 or 0x06 or 0x08) => true,
        (Rmcp.NetFnApp, 0x02 or 0x40 or 0x43 or 0x45 or 0x47 or 0x4C or 0x56) => true,
        (Rmcp.NetFnStorage, 0x12 or 0x47) => true,
        (Rmcp.NetFnTransport, 0x01 or 0x21) => true,
        (Rmcp.NetFnGroupExtension, 0x31 or 0x32 or 0x33 or 0x35 or 0x38) => true,
        _ => false,
    };
}
