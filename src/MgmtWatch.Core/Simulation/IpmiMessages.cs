using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// Byte layouts of RMCP, ASF and IPMI messages (see ../shared/docs/ipmi-wire.md; IPMI v2.0 §13 and §22;
/// DMTF DSP0136 §3.2). Every builder writes a complete UDP payload and returns its length.
/// </summary>
internal static class IpmiMessages
{
    /// <summary>Responder address of the BMC (IPMB slave address 0x20) and requester SWID of a remote console (0x81).</summary>
    public const byte BmcAddress = 0x20;

    public const byte ConsoleSwid = 0x81;

    public const byte NetFnChassis = 0x00;
    public const byte NetFnSensor = 0x04;
    public const byte NetFnApp = 0x06;
    public const byte NetFnStorage = 0x0A;
    public const byte NetFnGroup = 0x2C;

    /// <summary>RMCP+ payload types (§13.27.3).</summary>
    public const byte OpenSessionRequest = 0x10;
    public const byte OpenSessionResponse = 0x11;
    public const byte Rakp1 = 0x12;
    public const byte Rakp2 = 0x13;
    public const byte Rakp3 = 0x14;
    public const byte Rakp4 = 0x15;

    /// <summary>ASF Presence Ping (DSP0136 §3.2.4.3): 12 bytes, IANA 4542 big-endian.</summary>
    public static int AsfPing(Span<byte> b, byte tag)
    {
        ReadOnlySpan<byte> ping = [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x00, 0x00, 0x00];
        ping.CopyTo(b);
        b[9] = tag;
        return 12;
    }

    /// <summary>ASF Presence Pong (§3.2.4.4): 16 data bytes, supported entities 0x81 (IPMI, ASF 1.0).</summary>
    public static int AsfPong(Span<byte> b, byte tag)
    {
        ReadOnlySpan<byte> pong = [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x40, 0x00, 0x00, 0x10, 0x00, 0x00, 0x11, 0xBE, 0x00, 0x00, 0x00, 0x00, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        pong.CopyTo(b);
        b[9] = tag;
        return 28;
    }

    /// <summary>
    /// An IPMI request message (ipmi-wire.md §4): rsAddr, netFn/LUN, checksum, rqAddr, rqSeq/LUN, cmd,
    /// data, checksum. Returns its length.
    /// </summary>
    public static int Request(Span<byte> m, byte netFn, byte command, byte rqSeq, ReadOnlySpan<byte> data)
    {
        m[0] = BmcAddress;
        m[1] = (byte)(netFn << 2);
        m[2] = Checksum(m[..2]);
        m[3] = ConsoleSwid;
        m[4] = (byte)(rqSeq << 2);
        m[5] = command;
        data.CopyTo(m[6..]);
        var n = 6 + data.Length;
        m[n] = Checksum(m[3..n]);
        return n + 1;
    }

    /// <summary>An IPMI response message: rqAddr, (netFn|1)/LUN, checksum, rsAddr, rqSeq, cmd, completion code, data, checksum.</summary>
    public static int Response(Span<byte> m, byte netFn, byte command, byte rqSeq, byte completion, ReadOnlySpan<byte> data)
    {
        m[0] = ConsoleSwid;
        m[1] = (byte)((netFn | 1) << 2);
        m[2] = Checksum(m[..2]);
        m[3] = BmcAddress;
        m[4] = (byte)(rqSeq << 2);
        m[5] = command;
        m[6] = completion;
        data.CopyTo(m[7..]);
        var n = 7 + data.Length;
        m[n] = Checksum(m[3..n]);
        return n + 1;
    }

    /// <summary>
    /// An IPMI v1.5 session wrapper with auth type NONE outside a session (ipmi-wire.md §3), carrying a
    /// message built by <paramref name="build"/> — how every client sends Get Channel Authentication Capabilities.
    /// </summary>
    public static int V15(Span<byte> b, Func<Span<byte>, int> build)
    {
        b[0] = 0x06;
        b[1] = 0x00;
        b[2] = 0xFF;
        b[3] = 0x07;
        b[4..13].Clear();
        var n = build(b[14..]);
        b[13] = (byte)n;
        return 14 + n;
    }

    /// <summary>Get Channel Authentication Capabilities request (App 0x38, §22.13): channel 0x0E with the v2.0 bit, max privilege.</summary>
    public static int GetChannelAuthCapsRequest(Span<byte> b, byte rqSeq, byte privilege)
    {
        var d = new byte[] { 0x8E, privilege };
        return V15(b, m => Request(m, NetFnApp, 0x38, rqSeq, d));
    }

    /// <summary>Get Channel Authentication Capabilities response of <paramref name="bmc"/>.</summary>
    public static int GetChannelAuthCapsResponse(Span<byte> b, byte rqSeq, Bmc bmc)
    {
        // channel, auth types (bit7: v2.0 extended data), login status, extended caps (v1.5 + v2.0), OEM IANA, aux.
        var d = new byte[] { bmc.LanChannel, bmc.AuthTypeSupport, bmc.LoginStatus, 0x03, 0x00, 0x00, 0x00, 0x00 };
        return V15(b, m => Response(m, NetFnApp, 0x38, rqSeq, 0x00, d));
    }

    /// <summary>
    /// An unauthenticated RMCP+ datagram outside a session (payload type 0x00, session ID 0): how ipmitool
    /// sends Get Channel Cipher Suites before Open Session (seen in pcaps/ipmi-sim-sessions.pcap).
    /// </summary>
    public static int PlainV2(Span<byte> b, ReadOnlySpan<byte> message)
    {
        b[0] = 0x06;
        b[1] = 0x00;
        b[2] = 0xFF;
        b[3] = 0x07;
        b[4] = 0x06;
        b[5] = 0x00;
        b[6..14].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(b[14..], (ushort)message.Length);
        message.CopyTo(b[16..]);
        return 16 + message.Length;
    }

    /// <summary>Cipher suite records (§22.15.2) of a BMC: suite 3, and 17 when supported, and 0 when (badly) enabled.</summary>
    public static byte[] CipherSuiteRecords(Bmc bmc)
    {
        var records = new List<byte>();
        if (bmc.AcceptsCipherZero)
        {
            records.AddRange([0xC0, 0x00, 0x00, 0x40, 0x80]);
        }

        records.AddRange([0xC0, 0x01, 0x01, 0x40, 0x80, 0xC0, 0x02, 0x01, 0x41, 0x80, 0xC0, 0x03, 0x01, 0x41, 0x81]);
        if (bmc.SupportsSuite17)
        {
            records.AddRange([0xC0, 0x0F, 0x03, 0x40, 0x80, 0xC0, 0x10, 0x03, 0x44, 0x80, 0xC0, 0x11, 0x03, 0x44, 0x81]);
        }

        return [.. records];
    }

    /// <summary>
    /// RMCP+ header for a set-up message (payload types 0x10–0x15: session ID and sequence 0, §13.6),
    /// followed by the payload built in place; returns the datagram length.
    /// </summary>
    public static int Setup(Span<byte> b, byte payloadType, int payloadLength)
    {
        b[0] = 0x06;
        b[1] = 0x00;
        b[2] = 0xFF;
        b[3] = 0x07;
        b[4] = 0x06;
        b[5] = payloadType;
        b[6..14].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(b[14..], (ushort)payloadLength);
        return 16 + payloadLength;
    }

    /// <summary>Open Session Request (§13.17): tag, max privilege, console session ID, the three algorithm records.</summary>
    public static int OpenSessionRequestMessage(Span<byte> b, byte tag, byte privilege, uint consoleSessionId, byte auth, byte integrity, byte confidentiality)
    {
        var p = b[16..];
        p[0] = tag;
        p[1] = privilege;
        p[2] = 0;
        p[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], consoleSessionId);
        AlgorithmRecords(p[8..], auth, integrity, confidentiality);
        return Setup(b, OpenSessionRequest, 32);
    }

    /// <summary>Open Session Response (§13.18); a non-zero status ends after the console session ID.</summary>
    public static int OpenSessionResponseMessage(Span<byte> b, byte tag, byte status, byte privilege, uint consoleSessionId, uint bmcSessionId, byte auth, byte integrity, byte confidentiality)
    {
        var p = b[16..];
        p[0] = tag;
        p[1] = status;
        p[2] = privilege;
        p[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], consoleSessionId);
        if (status != 0)
        {
            return Setup(b, OpenSessionResponse, 8);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(p[8..], bmcSessionId);
        AlgorithmRecords(p[12..], auth, integrity, confidentiality);
        return Setup(b, OpenSessionResponse, 36);
    }

    /// <summary>RAKP Message 1 (§13.20).</summary>
    public static int Rakp1Message(Span<byte> b, byte tag, uint bmcSessionId, ReadOnlySpan<byte> consoleRandom, byte role, ReadOnlySpan<byte> user)
    {
        var p = b[16..];
        p[0] = tag;
        p[1..4].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], bmcSessionId);
        consoleRandom.CopyTo(p[8..]);
        p[24] = role;
        p[25] = 0;
        p[26] = 0;
        p[27] = (byte)user.Length;
        user.CopyTo(p[28..]);
        return Setup(b, Rakp1, 28 + user.Length);
    }

    /// <summary>RAKP Message 2 (§13.21); <paramref name="code"/> is the key-exchange auth code (empty for RAKP-none or an error).</summary>
    public static int Rakp2Message(Span<byte> b, byte tag, byte status, uint consoleSessionId, ReadOnlySpan<byte> bmcRandom, ReadOnlySpan<byte> guid, ReadOnlySpan<byte> code)
    {
        var p = b[16..];
        p[0] = tag;
        p[1] = status;
        p[2] = 0;
        p[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], consoleSessionId);
        if (status != 0)
        {
            return Setup(b, Rakp2, 8);
        }

        bmcRandom.CopyTo(p[8..]);
        guid.CopyTo(p[24..]);
        code.CopyTo(p[40..]);
        return Setup(b, Rakp2, 40 + code.Length);
    }

    /// <summary>RAKP Message 3 (§13.22).</summary>
    public static int Rakp3Message(Span<byte> b, byte tag, byte status, uint bmcSessionId, ReadOnlySpan<byte> code)
    {
        var p = b[16..];
        p[0] = tag;
        p[1] = status;
        p[2] = 0;
        p[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], bmcSessionId);
        code.CopyTo(p[8..]);
        return Setup(b, Rakp3, 8 + code.Length);
    }

    /// <summary>RAKP Message 4 (§13.23).</summary>
    public static int Rakp4Message(Span<byte> b, byte tag, byte status, uint consoleSessionId, ReadOnlySpan<byte> icv)
    {
        var p = b[16..];
        p[0] = tag;
        p[1] = status;
        p[2] = 0;
        p[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], consoleSessionId);
        icv.CopyTo(p[8..]);
        return Setup(b, Rakp4, 8 + icv.Length);
    }

    /// <summary>Two's-complement checksum: the covered bytes plus the checksum sum to zero (IPMB, §13.8).</summary>
    public static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        foreach (var x in bytes)
        {
            sum += x;
        }

        return (byte)(-sum & 0xFF);
    }

    private static void AlgorithmRecords(Span<byte> p, byte auth, byte integrity, byte confidentiality)
    {
        // Three 8-byte records: type (0 auth, 1 integrity, 2 confidentiality), reserved(2), length 8, algorithm, reserved(3).
        p[..24].Clear();
        p[0] = 0x00;
        p[3] = 0x08;
        p[4] = auth;
        p[8] = 0x01;
        p[11] = 0x08;
        p[12] = integrity;
        p[16] = 0x02;
        p[19] = 0x08;
        p[20] = confidentiality;
    }
}
