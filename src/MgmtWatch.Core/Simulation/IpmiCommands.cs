using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// The command sequences monitoring tools send inside a session, with plausible response data
/// (IPMI v2.0 §20 App, §28 Chassis, §33 SDR, §31 SEL, §35 Sensor; DCMI 1.5 §6.6.1).
/// </summary>
internal static class IpmiCommands
{
    public static IpmiCommand SetSessionPrivilege(byte privilege) =>
        new(IpmiMessages.NetFnApp, 0x3B, [privilege], (_, _) => [0x00, privilege]);

    public static IpmiCommand CloseSession(uint bmcSessionId)
    {
        var data = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, bmcSessionId);
        return new(IpmiMessages.NetFnApp, 0x3C, data, (_, _) => [0x00]);
    }

    public static IpmiCommand GetDeviceId() => new(IpmiMessages.NetFnApp, 0x01, [], (b, _) =>
    [
        0x00, 0x20, 0x81, (byte)(b.Vendor == BmcVendor.Dell ? 0x07 : 0x03), 0x28, 0x02, 0xBF,
        .. Manufacturer(b.Vendor), 0x01, 0x0B, 0x00, 0x00, 0x00, 0x00,
    ]);

    public static IpmiCommand GetChassisStatus() => new(IpmiMessages.NetFnChassis, 0x01, [], (_, _) => [0x00, 0x01, 0x00, 0x40, 0x00]);

    public static IpmiCommand GetSdrRepositoryInfo() => new(IpmiMessages.NetFnStorage, 0x20, [], (b, _) =>
    [
        0x00, 0x51, (byte)(b.SensorCount + 12), 0x00, 0xFF, 0xFF, 0x6B, 0x1A, 0x7D, 0x5E, 0x6B, 0x1A, 0x7D, 0x5E, 0x0F,
    ]);

    public static IpmiCommand ReserveSdr() => new(IpmiMessages.NetFnStorage, 0x22, [], (_, r) => [0x00, (byte)r.Next(256), (byte)r.Next(256)]);

    /// <summary>Get SDR (§33.12): a partial read of <paramref name="bytes"/> bytes of record <paramref name="record"/>.</summary>
    public static IpmiCommand GetSdr(int record, byte offset, byte bytes) =>
        new(IpmiMessages.NetFnStorage, 0x23, [0x00, 0x00, (byte)record, (byte)(record >> 8), offset, bytes], (_, r) =>
        {
            var response = new byte[3 + bytes];
            response[1] = (byte)(record + 1);
            response[2] = (byte)((record + 1) >> 8);
            r.NextBytes(response.AsSpan(3));
            if (offset == 0 && bytes >= 5)
            {
                // Record header: id, SDR version 0x51, record type (full sensor 0x01), remaining length.
                response[3] = (byte)record;
                response[4] = (byte)(record >> 8);
                response[5] = 0x51;
                response[6] = 0x01;
                response[7] = 0x3B;
            }

            return response;
        });

    /// <summary>Get Sensor Reading (§35.14): reading, flags (scanning enabled), threshold state.</summary>
    public static IpmiCommand GetSensorReading(byte sensor) =>
        new(IpmiMessages.NetFnSensor, 0x2D, [sensor], (_, r) => [0x00, (byte)r.Next(0x18, 0x40), 0xC0, 0x00, 0x80]);

    public static IpmiCommand GetSelInfo() => new(IpmiMessages.NetFnStorage, 0x40, [], (b, _) =>
    [
        0x00, 0x51, (byte)b.SelEntries, (byte)(b.SelEntries >> 8), 0x00, 0x40, 0x6B, 0x1A, 0x7D, 0x5E, 0x6B, 0x1A, 0x7D, 0x5E, 0x02,
    ]);

    public static IpmiCommand ReserveSel() => new(IpmiMessages.NetFnStorage, 0x42, [], (_, r) => [0x00, (byte)r.Next(256), (byte)r.Next(256)]);

    public static IpmiCommand GetSelEntry(int record) =>
        new(IpmiMessages.NetFnStorage, 0x43, [0x00, 0x00, (byte)record, (byte)(record >> 8), 0x00, 0xFF], (_, r) =>
        {
            var response = new byte[3 + 16];
            response[1] = (byte)(record + 1);
            response[2] = (byte)((record + 1) >> 8);
            r.NextBytes(response.AsSpan(3));
            response[3] = (byte)record;
            response[4] = (byte)(record >> 8);
            response[5] = 0x02; // system event record
            return response;
        });

    /// <summary>DCMI Get Power Reading (group extension 0xDC, cmd 0x02, DCMI 1.5 §6.6.1).</summary>
    public static IpmiCommand DcmiPowerReading() => new(IpmiMessages.NetFnGroup, 0x02, [0xDC, 0x01, 0x00, 0x00], (_, r) =>
    {
        var watts = r.Next(120, 480);
        return
        [
            0x00, 0xDC, (byte)watts, (byte)(watts >> 8), 0x64, 0x00, 0xF4, 0x01, (byte)watts, (byte)(watts >> 8),
            0x6B, 0x1A, 0x7D, 0x5E, 0xE8, 0x03, 0x00, 0x00, 0x40,
        ];
    });

    /// <summary>Get User Access (App 0x44) for <paramref name="user"/> on <paramref name="channel"/>.</summary>
    public static IpmiCommand GetUserAccess(byte channel, byte user) =>
        new(IpmiMessages.NetFnApp, 0x44, [channel, user], (b, _) => [0x00, 0x0A, (byte)Math.Min(10, b.Users.Count + 1), (byte)(b.Users.Count + 1), user <= b.Users.Count + 1 ? (byte)0x34 : (byte)0x0F]);

    /// <summary>Get User Name (App 0x46): 16 bytes, NUL padded.</summary>
    public static IpmiCommand GetUserName(byte user) => new(IpmiMessages.NetFnApp, 0x46, [user], (b, _) =>
    {
        var response = new byte[17];
        var index = user - 2;
        if (index >= 0 && index < b.Users.Count)
        {
            System.Text.Encoding.ASCII.GetBytes(b.Users[index].User).AsSpan().CopyTo(response.AsSpan(1));
        }

        return response;
    });

    /// <summary>Set User Password (App 0x47, operation 0x02 "set password", 20-byte form): account tampering.</summary>
    public static IpmiCommand SetUserPassword(byte user, string password)
    {
        var request = new byte[22];
        request[0] = (byte)(0x80 | user);
        request[1] = 0x02;
        System.Text.Encoding.ASCII.GetBytes(password).AsSpan().CopyTo(request.AsSpan(2));
        return new(IpmiMessages.NetFnApp, 0x47, request, (_, _) => [0x00]);
    }

    /// <summary>What a FreeIPMI sensor read (ipmimonitoring, ipmi-sensors) sends: the SDR cache is checked, then each sensor read.</summary>
    public static List<IpmiCommand> SensorScan(Bmc bmc, int sensors)
    {
        var list = new List<IpmiCommand> { GetSdrRepositoryInfo() };
        for (var i = 0; i < sensors; i++)
        {
            list.Add(GetSensorReading((byte)(1 + i)));
        }

        return list;
    }

    /// <summary>What <c>ipmitool sdr elist</c> sends: no cache, every record read in two parts, then its reading.</summary>
    public static List<IpmiCommand> SdrList(Bmc bmc)
    {
        var list = new List<IpmiCommand> { GetSdrRepositoryInfo(), ReserveSdr() };
        for (var i = 0; i < bmc.SensorCount; i++)
        {
            list.Add(GetSdr(i, 0, 5));
            list.Add(GetSdr(i, 5, 0x3B));
            list.Add(GetSensorReading((byte)(1 + i)));
        }

        return list;
    }

    /// <summary>What <c>ipmi-sel</c> sends: SEL info, a reservation, the newest entries.</summary>
    public static List<IpmiCommand> SelScan(Bmc bmc, int entries)
    {
        var list = new List<IpmiCommand> { GetSelInfo(), ReserveSel() };
        var n = Math.Min(entries, bmc.SelEntries);
        for (var i = 0; i < n; i++)
        {
            list.Add(GetSelEntry(bmc.SelEntries - n + i));
        }

        return list;
    }

    /// <summary>IANA manufacturer ID (3 bytes, LSB first) as Get Device ID reports it.</summary>
    private static byte[] Manufacturer(BmcVendor vendor) => vendor switch
    {
        BmcVendor.Supermicro => [0x7C, 0x2A, 0x00], // 10876
        BmcVendor.Dell => [0xA2, 0x02, 0x00],       // 674
        BmcVendor.Hpe => [0x0B, 0x00, 0x00],        // 11 (Hewlett-Packard)
        BmcVendor.Lenovo => [0x66, 0x4A, 0x00],     // 19046
        _ => [0x96, 0xC1, 0x00],                    // 49558 (OpenBMC project)
    };
}
