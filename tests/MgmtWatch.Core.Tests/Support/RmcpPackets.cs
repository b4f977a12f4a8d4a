using System.Buffers.Binary;
using System.Text;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>
/// Builds RMCP/ASF/IPMI UDP payloads byte for byte as the tools put them on the wire (layouts of
/// ../shared/docs/ipmi-wire.md; the defaults are what ipmitool and Metasploit send), for crafted captures.
/// </summary>
public static class RmcpPackets
{
    /// <summary>ipmitool's fixed remote-console session id 0xA0A2A3A4.</summary>
    public const uint IpmitoolConsoleId = 0xA0A2A3A4;

    private static readonly byte[] RmcpIpmi = [0x06, 0x00, 0xFF, 0x07];

    /// <summary>ASF presence ping (DSP0136 §3.2.4), as in ndpi-rmcp.pcap.</summary>
    public static byte[] AsfPing(byte tag = 0) => [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, tag, 0x00, 0x00];

    /// <summary>ASF presence pong with the IPMI-supported entity bit (0x81).</summary>
    public static byte[] AsfPong(byte tag = 0) =>
    [
        0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x40, tag, 0x00, 0x10,
        0x00, 0x00, 0x11, 0xBE, 0x00, 0x00, 0x00, 0x00, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    /// <summary>An ASF message of <paramref name="type"/> with no data (reset 0x10 … power cycle 0x13).</summary>
    public static byte[] Asf(byte type) => [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, type, 0x00, 0x00, 0x00];

    /// <summary>An IPMI LAN request from the remote console (SWID 0x81) to the BMC (0x20), with valid checksums.</summary>
    public static byte[] LanRequest(byte netFn, byte command, byte[] data, byte sequence = 1)
    {
        var m = new byte[7 + data.Length];
        m[0] = 0x20;
        m[1] = (byte)(netFn << 2);
        m[2] = Checksum(m.AsSpan(0, 2));
        m[3] = 0x81;
        m[4] = (byte)(sequence << 2);
        m[5] = command;
        data.CopyTo(m, 6);
        m[^1] = Checksum(m.AsSpan(3, m.Length - 4));
        return m;
    }

    /// <summary>An IPMI LAN response from the BMC with a completion code.</summary>
    public static byte[] LanResponse(byte netFn, byte command, byte completion, byte[] data, byte sequence = 1)
    {
        var m = new byte[8 + data.Length];
        m[0] = 0x81;
        m[1] = (byte)((netFn | 1) << 2);
        m[2] = Checksum(m.AsSpan(0, 2));
        m[3] = 0x20;
        m[4] = (byte)(sequence << 2);
        m[5] = command;
        m[6] = completion;
        data.CopyTo(m, 7);
        m[^1] = Checksum(m.AsSpan(3, m.Length - 4));
        return m;
    }

    /// <summary>An IPMI v1.5 session wrapper around <paramref name="message"/> (auth code present unless auth type 0).</summary>
    public static byte[] V15(byte authType, uint sessionId, byte[] message, uint sequence = 0, byte[]? authCode = null)
    {
        var code = authType == 0 ? [] : authCode ?? new byte[16];
        var p = new byte[4 + 1 + 8 + code.Length + 1 + message.Length];
        RmcpIpmi.CopyTo(p, 0);
        p[4] = authType;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(5), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(9), sessionId);
        code.CopyTo(p, 13);
        p[13 + code.Length] = (byte)message.Length;
        message.CopyTo(p, 14 + code.Length);
        return p;
    }

    /// <summary>An RMCP+ packet (auth type 6) carrying <paramref name="payload"/>, with an integrity trailer when authenticated.</summary>
    public static byte[] V20(byte payloadType, uint sessionId, byte[] payload, uint sequence = 0)
    {
        var authenticated = (payloadType & 0x40) != 0;
        var body = 12 + payload.Length; // auth type .. payload
        var pad = authenticated ? (4 - ((body + 2) % 4)) % 4 : 0;
        var trailer = authenticated ? pad + 2 + 12 : 0;
        var p = new byte[16 + payload.Length + trailer];
        RmcpIpmi.CopyTo(p, 0);
        p[4] = 0x06;
        p[5] = payloadType;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(6), sessionId);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(10), sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(14), (ushort)payload.Length);
        payload.CopyTo(p, 16);
        if (authenticated)
        {
            var t = 16 + payload.Length;
            p.AsSpan(t, pad).Fill(0xFF);
            p[t + pad] = (byte)pad;
            p[t + pad + 1] = 0x07;
            p.AsSpan(t + pad + 2, 12).Fill(0x5A);
        }

        return p;
    }

    /// <summary>Get Channel Authentication Capabilities request (the probe of ndpi-rmcp.pcap, Metasploit and nmap).</summary>
    public static byte[] CapsRequest() => V15(0, 0, LanRequest(0x06, 0x38, [0x8E, 0x04], sequence: 0));

    /// <summary>Get Channel Authentication Capabilities response.</summary>
    public static byte[] CapsResponse(byte authTypes = 0x97, byte login = 0x04, byte extended = 0x03) =>
        V15(0, 0, LanResponse(0x06, 0x38, 0, [0x01, authTypes, login, extended, 0, 0, 0, 0], sequence: 0));

    /// <summary>Open Session Request proposing one algorithm of each kind (suite 3 by default, as Metasploit does).</summary>
    public static byte[] OpenSessionRequest(uint consoleId, byte auth = 1, byte integrity = 1, byte confidentiality = 1, byte privilege = 4, byte tag = 0)
    {
        var p = new byte[32];
        p[0] = tag;
        p[1] = privilege;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), consoleId);
        Record(p.AsSpan(8), 0, auth);
        Record(p.AsSpan(16), 1, integrity);
        Record(p.AsSpan(24), 2, confidentiality);
        return V20(0x10, 0, p);
    }

    /// <summary>Open Session Response (full on status 0, tag+status+privilege+console id otherwise).</summary>
    public static byte[] OpenSessionResponse(uint consoleId, uint bmcId, byte status = 0, byte auth = 1, byte integrity = 1, byte confidentiality = 1, byte tag = 0)
    {
        var p = new byte[status == 0 ? 36 : 8];
        p[0] = tag;
        p[1] = status;
        p[2] = status == 0 ? (byte)4 : (byte)0;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), consoleId);
        if (status == 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(8), bmcId);
            Record(p.AsSpan(12), 0, auth);
            Record(p.AsSpan(20), 1, integrity);
            Record(p.AsSpan(28), 2, confidentiality);
        }

        return V20(0x11, 0, p);
    }

    /// <summary>RAKP1 naming <paramref name="user"/> with role 0x14 (name-only lookup, administrator), as ipmitool and Metasploit send.</summary>
    public static byte[] Rakp1(uint bmcId, string user, byte role = 0x14, byte tag = 0, int? declaredLength = null)
    {
        var name = Encoding.ASCII.GetBytes(user);
        var p = new byte[28 + name.Length];
        p[0] = tag;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), bmcId);
        for (var i = 0; i < 16; i++)
        {
            p[8 + i] = (byte)(0x30 + i); // Rc
        }

        p[24] = role;
        p[27] = (byte)(declaredLength ?? name.Length);
        name.CopyTo(p, 28);
        return V20(0x12, 0, p);
    }

    /// <summary>RAKP2: on status 0 Rm, the GUID and a non-zero HMAC of <paramref name="authCodeLength"/> bytes.</summary>
    public static byte[] Rakp2(uint consoleId, byte status = 0, int authCodeLength = 20, byte tag = 0)
    {
        var p = new byte[status == 0 ? 40 + authCodeLength : 8];
        p[0] = tag;
        p[1] = status;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), consoleId);
        for (var i = 8; i < p.Length; i++)
        {
            p[i] = (byte)(i * 7);
        }

        return V20(0x13, 0, p);
    }

    /// <summary>RAKP3 with a (fake) auth code.</summary>
    public static byte[] Rakp3(uint bmcId, byte status = 0, int authCodeLength = 20) => Rakp34(0x14, bmcId, status, status == 0 ? authCodeLength : 0);

    /// <summary>RAKP4 with a (fake) integrity check value.</summary>
    public static byte[] Rakp4(uint consoleId, byte status = 0, int icvLength = 12) => Rakp34(0x15, consoleId, status, status == 0 ? icvLength : 0);

    private static byte[] Rakp34(byte type, uint sessionId, byte status, int codeLength)
    {
        var p = new byte[8 + codeLength];
        p[1] = status;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), sessionId);
        p.AsSpan(8).Fill(0xA5);
        return V20(type, 0, p);
    }

    private static void Record(Span<byte> at, byte type, byte alg)
    {
        at[0] = type;
        at[3] = 0x08;
        at[4] = alg;
    }

    private static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        foreach (var b in bytes)
        {
            sum += b;
        }

        return (byte)(-sum);
    }
}
