using System.Globalization;
using System.Text;

namespace MgmtWatch.Core.Simulation;

/// <summary>Creates BMCs with the traits of their vendor (MAC OUIs, ports, banners, certificates, SNMP identity).</summary>
internal static class BmcFactory
{
    /// <summary>IEEE OUIs registered to the vendors (Supermicro, Dell, HPE, Lenovo) and to boards that ship OpenBMC.</summary>
    private static readonly Dictionary<BmcVendor, byte[][]> Ouis = new()
    {
        [BmcVendor.Supermicro] = [[0x00, 0x25, 0x90], [0xAC, 0x1F, 0x6B], [0x3C, 0xEC, 0xEF]],
        [BmcVendor.Dell] = [[0xD0, 0x94, 0x66], [0x18, 0x66, 0xDA], [0xB0, 0x83, 0xFE]],
        [BmcVendor.Hpe] = [[0x94, 0x18, 0x82], [0x9C, 0xDC, 0x71], [0x1C, 0x98, 0xEC]],
        [BmcVendor.Lenovo] = [[0x08, 0x94, 0xEF], [0x7C, 0xD3, 0x0A]],

        // ASRock Rack, Gigabyte, Quanta (QCT) and Wiwynn boards ship OpenBMC.
        [BmcVendor.OpenBmc] = [[0x70, 0x85, 0xC2], [0xB4, 0x2E, 0x99], [0x2C, 0x60, 0x0C], [0x18, 0x9B, 0xA5]],
    };

    /// <summary>IANA enterprise numbers (SNMP engine IDs): Supermicro 10876, Dell 674, HPE 232, Lenovo 19046, OpenBMC 49622.</summary>
    private static readonly Dictionary<BmcVendor, uint> Enterprise = new()
    {
        [BmcVendor.Supermicro] = 10876,
        [BmcVendor.Dell] = 674,
        [BmcVendor.Hpe] = 232,
        [BmcVendor.Lenovo] = 19046,
        [BmcVendor.OpenBmc] = 49622,
    };

    public static string DefaultAdmin(BmcVendor vendor) => vendor switch
    {
        BmcVendor.Supermicro => "ADMIN",
        BmcVendor.Dell => "root",
        BmcVendor.Hpe => "Administrator",
        BmcVendor.Lenovo => "USERID",
        _ => "root",
    };

    public static Bmc Create(Random r, BmcVendor vendor, int index, uint ip, bool local, int naming, string sitePrefix, IReadOnlyList<(string User, string Password)> siteUsers)
    {
        var oui = r.Pick(Ouis[vendor]);
        var mac = new byte[6];
        oui.CopyTo(mac, 0);
        mac[3] = (byte)r.Next(256);
        mac[4] = (byte)r.Next(256);
        mac[5] = (byte)r.Next(256);
        var serial = vendor switch
        {
            BmcVendor.Dell => r.UpperAlnum(7),                 // service tag
            BmcVendor.Hpe => "CZ" + r.UpperAlnum(8),          // HPE serial
            BmcVendor.Lenovo => "J" + r.UpperAlnum(7),
            BmcVendor.Supermicro => "OM" + r.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture),
            _ => r.UpperAlnum(10),
        };
        var vendorName = vendor switch
        {
            BmcVendor.Dell => "idrac-" + serial,
            BmcVendor.Hpe => "ILO" + serial,
            BmcVendor.Lenovo => "XCC-7X" + r.Next(10, 99).ToString(CultureInfo.InvariantCulture) + "-" + serial,
            BmcVendor.Supermicro => "sm-" + serial.ToLowerInvariant(),
            _ => "obmc-" + serial.ToLowerInvariant(),
        };
        var name = naming switch
        {
            0 => vendorName.ToLowerInvariant(),
            1 => string.Create(CultureInfo.InvariantCulture, $"r{1 + (index / 20):00}u{2 + (2 * (index % 20)):00}-bmc"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{sitePrefix}-node{index + 1:000}-mgmt"),
        };

        var users = new List<(string, string)> { (DefaultAdmin(vendor), Password(r)) };
        users.AddRange(siteUsers);
        var guid = new byte[16];
        r.NextBytes(guid);
        guid[7] = (byte)((guid[7] & 0x0F) | 0x40); // RFC 4122 version 4, as BMCs generate them

        var engine = new byte[11];
        var ent = Enterprise[vendor] | 0x8000_0000u;
        engine[0] = (byte)(ent >> 24);
        engine[1] = (byte)(ent >> 16);
        engine[2] = (byte)(ent >> 8);
        engine[3] = (byte)ent;
        engine[4] = 3; // RFC 3411 SnmpEngineID format 3: MAC address
        mac.CopyTo(engine, 5);

        var modern = r.Chance(0.7);

        // A few BMCs in any fleet answer slowly and drop requests (a busy or failing controller).
        var slow = r.Chance(0.08);
        var bmc = vendor switch
        {
            BmcVendor.Supermicro => new Bmc(name, ip, mac, local)
            {
                Vendor = vendor,
                Index = index,
                Serial = serial,
                Guid = guid,
                Users = users,
                SupportsSuite17 = modern,
                LanChannel = 1,
                AuthTypeSupport = 0x97,
                LoginStatus = 0x04,
                SensorCount = r.Next(28, 56),
                SelEntries = r.Next(5, 200),
                SshBanner = modern ? "SSH-2.0-OpenSSH_8.4" : "SSH-2.0-dropbear_2019.78",
                CertificateName = "IPMI",
                CertificateOrganization = "Super Micro Computer",
                TlsMaxVersion = 0x0303,
                KvmPort = 5900,
                KvmIsRfb = true,
                VirtualMediaPort = 623,
                NtpFromPort123 = true,
                SnmpEngineId = engine,
                SysDescr = "Linux " + name + " 4.14.0 #1 SMP armv7l",
                SysObjectId = "1.3.6.1.4.1.10876.2.1",
                ProcessingMs = r.Uniform(5, 25),
            },
            BmcVendor.Dell => new Bmc(name, ip, mac, local)
            {
                Vendor = vendor,
                Index = index,
                Serial = serial,
                Guid = guid,
                Users = users,
                SupportsSuite17 = true,
                LanChannel = 1,
                AuthTypeSupport = 0x80,
                LoginStatus = 0x04,
                SensorCount = r.Next(40, 80),
                SelEntries = r.Next(5, 400),
                SshBanner = "SSH-2.0-OpenSSH_7.9",
                CertificateName = "idrac-" + serial,
                CertificateOrganization = "Dell Inc.",
                TlsMaxVersion = modern ? (ushort)0x0304 : (ushort)0x0303,
                KvmPort = 5900,
                KvmIsRfb = true,
                VirtualMediaPort = 3668,
                NtpFromPort123 = true,
                SnmpEngineId = engine,
                SysDescr = "Dell Out-of-band SNMP Agent for Remote Access Controller",
                SysObjectId = "1.3.6.1.4.1.674.10892.5",
                ProcessingMs = r.Uniform(2, 8),
            },
            BmcVendor.Hpe => new Bmc(name, ip, mac, local)
            {
                Vendor = vendor,
                Index = index,
                Serial = serial,
                Guid = guid,
                Users = users,
                SupportsSuite17 = modern,
                LanChannel = 2,
                AuthTypeSupport = 0x80,
                LoginStatus = 0x04,
                SensorCount = r.Next(30, 70),
                SelEntries = r.Next(5, 300),
                SshBanner = "SSH-2.0-mpSSH_0.2.1",
                CertificateName = "ILO" + serial,
                CertificateOrganization = "Hewlett Packard Enterprise",
                TlsMaxVersion = modern ? (ushort)0x0304 : (ushort)0x0303,
                KvmPort = 17990,
                KvmIsRfb = false,
                VirtualMediaPort = 17988,
                NtpFromPort123 = true,
                SnmpEngineId = engine,
                SysDescr = "Integrated Lights-Out 5 2.72 Sep 04 2022",
                SysObjectId = "1.3.6.1.4.1.232.9.4.11",
                ProcessingMs = r.Uniform(2, 6),
            },
            BmcVendor.Lenovo => new Bmc(name, ip, mac, local)
            {
                Vendor = vendor,
                Index = index,
                Serial = serial,
                Guid = guid,
                Users = users,
                SupportsSuite17 = true,
                LanChannel = 1,
                AuthTypeSupport = 0x80,
                LoginStatus = 0x04,
                SensorCount = r.Next(30, 60),
                SelEntries = r.Next(5, 150),
                SshBanner = "SSH-2.0-OpenSSH_8.0",
                CertificateName = vendorName,
                CertificateOrganization = "Lenovo",
                TlsMaxVersion = 0x0304,
                KvmPort = 3900,
                KvmIsRfb = false,
                VirtualMediaPort = 443,
                NtpFromPort123 = true,
                SnmpEngineId = engine,
                SysDescr = "Lenovo XClarity Controller",
                SysObjectId = "1.3.6.1.4.1.19046.11.1",
                ProcessingMs = r.Uniform(3, 10),
            },
            _ => new Bmc(name, ip, mac, local)
            {
                Vendor = vendor,
                Index = index,
                Serial = serial,
                Guid = guid,
                Users = users,
                SupportsSuite17 = true,
                LanChannel = 1,
                AuthTypeSupport = 0x80,
                LoginStatus = 0x04,
                SensorCount = r.Next(15, 40),
                SelEntries = r.Next(0, 50),
                SshBanner = "SSH-2.0-dropbear_2022.83",
                CertificateName = "testhost",
                CertificateOrganization = "OpenBMC",
                TlsMaxVersion = 0x0304,
                KvmPort = 443,
                KvmIsRfb = false,
                VirtualMediaPort = 443,
                NtpFromPort123 = false,
                SnmpEngineId = engine,
                SysDescr = "Linux " + name + " 6.1.15 #1 armv7l",
                SysObjectId = "1.3.6.1.4.1.8072.3.2.10",
                ProcessingMs = r.Uniform(2, 12),
            },
        };
        return slow ? Slower(bmc) : bmc;
    }

    private static Bmc Slower(Bmc b) => new(b.Name, b.Ip, b.Mac, b.Local)
    {
        Vendor = b.Vendor,
        Index = b.Index,
        Serial = b.Serial,
        Guid = b.Guid,
        Users = b.Users,
        SupportsSuite17 = b.SupportsSuite17,
        LanChannel = b.LanChannel,
        AuthTypeSupport = b.AuthTypeSupport,
        LoginStatus = b.LoginStatus,
        SensorCount = b.SensorCount,
        SelEntries = b.SelEntries,
        SshBanner = b.SshBanner,
        CertificateName = b.CertificateName,
        CertificateOrganization = b.CertificateOrganization,
        TlsMaxVersion = b.TlsMaxVersion,
        KvmPort = b.KvmPort,
        KvmIsRfb = b.KvmIsRfb,
        VirtualMediaPort = b.VirtualMediaPort,
        NtpFromPort123 = b.NtpFromPort123,
        SnmpEngineId = b.SnmpEngineId,
        SysDescr = b.SysDescr,
        SysObjectId = b.SysObjectId,
        ProcessingMs = b.ProcessingMs * 4,
        Slow = true,
    };

    /// <summary>A random password (printable, 10–16 characters); never written anywhere but into HMACs.</summary>
    public static string Password(Random r)
    {
        const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%+-_";
        var sb = new StringBuilder();
        var n = r.Next(10, 17);
        for (var i = 0; i < n; i++)
        {
            sb.Append(Alphabet[r.Next(Alphabet.Length)]);
        }

        return sb.ToString();
    }
}
