namespace MgmtWatch.Core.Simulation;

/// <summary>Monitoring software whose polling the simulator reproduces (threats.md "Healthy baseline").</summary>
internal enum PollSoftware
{
    /// <summary>Prometheus ipmi_exporter (FreeIPMI underneath): one session per collector every scrape, 30–60 s.</summary>
    IpmiExporter,

    /// <summary>Nagios/Icinga check_ipmi_sensor (FreeIPMI ipmi-sensors and ipmi-sel), every 1–5 min.</summary>
    NagiosIpmi,

    /// <summary>Zabbix IPMI poller (OpenIPMI): a long-lived session with item reads every 60 s.</summary>
    ZabbixIpmi,

    /// <summary>A cron script running ipmitool (console session ID 0xA0A2A3A4) every 5 min.</summary>
    IpmitoolCron,

    /// <summary>LibreNMS/Cacti-style SNMP v2c polling with GetBulk, every 5 min.</summary>
    SnmpV2c,

    /// <summary>Zabbix-style SNMPv3 polling (USM), every 1 min.</summary>
    SnmpV3,

    /// <summary>Redfish inventory/telemetry over HTTPS, every 5–15 min.</summary>
    Redfish,
}
