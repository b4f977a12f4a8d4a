using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A BMC's syslog sender (RFC 3164 over UDP 514): one socket per boot, so every message of a boot epoch
/// comes from the same source port (a new one after each reboot), as busybox syslogd and rsyslog do.
/// </summary>
internal static class SyslogClient
{
    /// <summary>The sending port of <paramref name="bmc"/> at <paramref name="time"/> (fixed per boot epoch).</summary>
    public static ushort Port(Site site, Bmc bmc, long time)
    {
        var epoch = 0;
        foreach (var o in bmc.Outages)
        {
            if (o.UpAt <= time)
            {
                epoch++;
            }
        }

        var r = RandomStreams.Create(site.TrafficSeed, "syslog-port/" + bmc.Index.ToString(CultureInfo.InvariantCulture) + "/" + epoch.ToString(CultureInfo.InvariantCulture));
        return bmc.EphemeralPort(r);
    }

    /// <summary>Writes one message; <paramref name="severity"/> and facility per RFC 3164 §4.1.1 (facility 4 auth, 1 user).</summary>
    public static long Send(Wire w, Site site, Bmc bmc, long time, int facility, int severity, string tag, string text)
    {
        var stamp = SimTime.ToDateTimeOffset(time).ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture);
        if (stamp[4] == '0')
        {
            stamp = string.Concat(stamp.AsSpan(0, 4), " ", stamp.AsSpan(5)); // RFC 3164: day padded with a space
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"<{(facility * 8) + severity}>{stamp} {bmc.Name} {tag}: {text}");
        var n = System.Text.Encoding.ASCII.GetBytes(message.AsSpan(0, Math.Min(message.Length, 1024)), w.UdpPayload);
        return w.Udp(time, bmc, Port(site, bmc, time), site.Syslog, 514, n);
    }

    /// <summary>The login line each vendor writes (the text is the BMC's own, user names included, as real BMCs log them).</summary>
    public static string LoginText(Bmc bmc, string user, Host from, string via) => bmc.Vendor switch
    {
        BmcVendor.Dell => $"USR0030: Successfully logged in using {user}, from {from.IpText} and {via}.",
        BmcVendor.Hpe => $"Browser login: {user} - {from.IpText}({via}).",
        BmcVendor.Lenovo => $"Remote Login Successful user ID: {user} from {via} at IP address {from.IpText}.",
        BmcVendor.Supermicro => $"[{via}] user {user} login from {from.IpText}",
        _ => $"pam_unix({via}:session): session opened for user {user}",
    };
}
