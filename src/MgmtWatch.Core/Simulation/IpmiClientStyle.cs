namespace MgmtWatch.Core.Simulation;

/// <summary>Which IPMI client a session imitates: they differ in their first messages and their retries.</summary>
internal enum IpmiClientStyle
{
    /// <summary>ipmitool -I lanplus: Get Channel Cipher Suites first, console session ID 0xA0A2A3A4.</summary>
    Ipmitool,

    /// <summary>FreeIPMI (ipmi_exporter, check_ipmi_sensor): random console session ID, suite chosen by configuration.</summary>
    FreeIpmi,

    /// <summary>OpenIPMI (Zabbix): an ASF presence ping before connecting, random console session ID.</summary>
    OpenIpmi,
}
