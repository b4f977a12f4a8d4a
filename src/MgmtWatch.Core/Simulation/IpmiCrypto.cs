using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// RMCP+ session keys and authentication codes for cipher suites 0, 3 and 17 (IPMI v2.0 §13.28–13.32):
/// the RAKP2 and RAKP3 key-exchange HMACs keyed with the user password (Kuid), the session integrity key
/// SIK, K1 (integrity) and K2 (confidentiality), the RAKP4 integrity check value, and the sealing of
/// in-session messages (AES-CBC-128 plus HMAC-SHA1-96 or HMAC-SHA256-128). Field order and byte order
/// follow the specification as ipmitool and FreeIPMI implement it: session IDs little-endian as on the
/// wire; the RAKP constants for K1/K2 are 20 bytes of 0x01/0x02 for every algorithm.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "IPMI v2.0 cipher suite 3 is defined with HMAC-SHA1 (RAKP-HMAC-SHA1, HMAC-SHA1-96); the simulator must speak it")]
internal sealed class IpmiCrypto : IDisposable
{
    private Aes? _aes;

    public IpmiCrypto(int suite, string user, string password, byte role)
    {
        if (suite is not (0 or 3 or 17))
        {
            throw new ArgumentOutOfRangeException(nameof(suite), "cipher suites 0, 3 and 17 are modelled");
        }

        Suite = suite;
        UserName = Encoding.ASCII.GetBytes(user);
        Kuid = Encoding.ASCII.GetBytes(password);
        Role = role;
    }

    public int Suite { get; }

    /// <summary>RAKP-HMAC-SHA256 / HMAC-SHA256-128 (suite 17) rather than SHA1 (suite 3).</summary>
    public bool Sha256 => Suite == 17;

    /// <summary>Authentication algorithm number (§13.28): 0 RAKP-none, 1 RAKP-HMAC-SHA1, 3 RAKP-HMAC-SHA256.</summary>
    public byte AuthAlgorithm => Suite switch { 0 => 0, 3 => 1, _ => 3 };

    /// <summary>Integrity algorithm (§13.28.4): 0 none, 1 HMAC-SHA1-96, 4 HMAC-SHA256-128.</summary>
    public byte IntegrityAlgorithm => Suite switch { 0 => 0, 3 => 1, _ => 4 };

    /// <summary>Confidentiality algorithm (§13.28.5): 0 none, 1 AES-CBC-128.</summary>
    public byte ConfidentialityAlgorithm => Suite == 0 ? (byte)0 : (byte)1;

    /// <summary>Length of the RAKP2/RAKP3 key-exchange auth code: 20 (SHA1), 32 (SHA256), 0 (none).</summary>
    public int KeyExchangeCodeLength => Suite switch { 0 => 0, 3 => 20, _ => 32 };

    /// <summary>Length of the RAKP4 ICV and of the in-session AuthCode: 12 (SHA1-96), 16 (SHA256-128), 0.</summary>
    public int IntegrityCodeLength => Suite switch { 0 => 0, 3 => 12, _ => 16 };

    public byte[] UserName { get; }

    /// <summary>The user's password: the RAKP key Kuid (HMAC pads it with zeros, as the 20-byte field is).</summary>
    public byte[] Kuid { get; }

    /// <summary>Requested role byte of RAKP1, whole (lookup bit included), as every HMAC takes it.</summary>
    public byte Role { get; }

    public uint ConsoleSessionId { get; set; }

    public uint BmcSessionId { get; set; }

    /// <summary>Remote console random number (RAKP1).</summary>
    public byte[] ConsoleRandom { get; } = new byte[16];

    /// <summary>Managed system random number (RAKP2).</summary>
    public byte[] BmcRandom { get; } = new byte[16];

    public byte[] BmcGuid { get; } = new byte[16];

    public byte[] Sik { get; private set; } = [];

    public byte[] K1 { get; private set; } = [];

    public byte[] K2 { get; private set; } = [];

    /// <summary>
    /// RAKP2 key-exchange auth code (§13.21, §13.31): HMAC_Kuid(console SID ‖ BMC SID ‖ console random ‖
    /// BMC random ‖ BMC GUID ‖ role ‖ user name length ‖ user name). This is what CVE-2013-4786 discloses.
    /// </summary>
    public int Rakp2Code(Span<byte> destination)
    {
        if (Suite == 0)
        {
            return 0;
        }

        Span<byte> input = stackalloc byte[58 + UserName.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(input, ConsoleSessionId);
        BinaryPrimitives.WriteUInt32LittleEndian(input[4..], BmcSessionId);
        ConsoleRandom.CopyTo(input[8..]);
        BmcRandom.CopyTo(input[24..]);
        BmcGuid.CopyTo(input[40..]);
        input[56] = Role;
        input[57] = (byte)UserName.Length;
        UserName.CopyTo(input[58..]);
        return Hmac(Kuid, input, destination);
    }

    /// <summary>RAKP3 auth code (§13.22): HMAC_Kuid(BMC random ‖ console SID ‖ role ‖ user name length ‖ user name).</summary>
    public int Rakp3Code(Span<byte> destination)
    {
        if (Suite == 0)
        {
            return 0;
        }

        Span<byte> input = stackalloc byte[22 + UserName.Length];
        BmcRandom.CopyTo(input);
        BinaryPrimitives.WriteUInt32LittleEndian(input[16..], ConsoleSessionId);
        input[20] = Role;
        input[21] = (byte)UserName.Length;
        UserName.CopyTo(input[22..]);
        return Hmac(Kuid, input, destination);
    }

    /// <summary>
    /// SIK = HMAC_KG(console random ‖ BMC random ‖ role ‖ user name length ‖ user name) with KG = Kuid
    /// (no BMC key set, §13.31), then K1 = HMAC_SIK(20 × 0x01) and K2 = HMAC_SIK(20 × 0x02) (§13.32).
    /// </summary>
    public void DeriveKeys()
    {
        if (Suite == 0)
        {
            return;
        }

        Span<byte> input = stackalloc byte[34 + UserName.Length];
        ConsoleRandom.CopyTo(input);
        BmcRandom.CopyTo(input[16..]);
        input[32] = Role;
        input[33] = (byte)UserName.Length;
        UserName.CopyTo(input[34..]);
        var size = Sha256 ? 32 : 20;
        Sik = new byte[size];
        Hmac(Kuid, input, Sik);

        Span<byte> constant = stackalloc byte[20];
        constant.Fill(0x01);
        K1 = new byte[size];
        Hmac(Sik, constant, K1);
        constant.Fill(0x02);
        K2 = new byte[size];
        Hmac(Sik, constant, K2);
        _aes?.Dispose();
        _aes = Aes.Create();
        _aes.Key = K2[..16];
    }

    /// <summary>RAKP4 integrity check value (§13.23): HMAC_SIK(console random ‖ BMC SID ‖ BMC GUID), truncated.</summary>
    public int Rakp4Icv(Span<byte> destination)
    {
        if (Suite == 0)
        {
            return 0;
        }

        Span<byte> input = stackalloc byte[36];
        ConsoleRandom.CopyTo(input);
        BinaryPrimitives.WriteUInt32LittleEndian(input[16..], BmcSessionId);
        BmcGuid.CopyTo(input[20..]);
        Span<byte> full = stackalloc byte[32];
        var n = Hmac(Sik, input, full);
        full[..IntegrityCodeLength].CopyTo(destination);
        return n >= IntegrityCodeLength ? IntegrityCodeLength : n;
    }

    /// <summary>
    /// Writes a complete in-session RMCP+ datagram (§13.6) carrying <paramref name="message"/>: RMCP header,
    /// session header addressed to <paramref name="sessionId"/> (the receiver's ID) with
    /// <paramref name="sequence"/>, the payload encrypted with AES-CBC-128 under K2 behind
    /// <paramref name="iv"/> (confidentiality pad 01 02 …, pad length byte, §13.29), then the integrity pad
    /// (0xFF to a multiple of 4), pad length, next header 0x07 and the AuthCode HMAC_K1 over everything from
    /// the auth type byte (§13.28.4). Suite 0 sends the message in clear with payload type 0x00 and no trailer.
    /// </summary>
    public int Seal(Span<byte> datagram, uint sessionId, uint sequence, ReadOnlySpan<byte> message, ReadOnlySpan<byte> iv, byte payloadType = 0x00)
    {
        datagram[0] = 0x06;
        datagram[1] = 0x00;
        datagram[2] = 0xFF;
        datagram[3] = 0x07;
        datagram[4] = 0x06;
        BinaryPrimitives.WriteUInt32LittleEndian(datagram[6..], sessionId);
        BinaryPrimitives.WriteUInt32LittleEndian(datagram[10..], sequence);
        if (Suite == 0)
        {
            datagram[5] = payloadType;
            BinaryPrimitives.WriteUInt16LittleEndian(datagram[14..], (ushort)message.Length);
            message.CopyTo(datagram[16..]);
            return 16 + message.Length;
        }

        datagram[5] = (byte)(0xC0 | payloadType); // encrypted + authenticated
        var padLength = (16 - ((message.Length + 1) % 16)) % 16;
        var plainLength = message.Length + padLength + 1;
        Span<byte> plain = stackalloc byte[plainLength];
        message.CopyTo(plain);
        for (var i = 0; i < padLength; i++)
        {
            plain[message.Length + i] = (byte)(i + 1);
        }

        plain[^1] = (byte)padLength;
        iv.CopyTo(datagram[16..]);
        var cipherLength = _aes!.EncryptCbc(plain, iv, datagram[32..], PaddingMode.None);
        var payloadLength = 16 + cipherLength;
        BinaryPrimitives.WriteUInt16LittleEndian(datagram[14..], (ushort)payloadLength);

        var offset = 16 + payloadLength;
        var integrityPad = (4 - ((offset - 4 + 2) % 4)) % 4;
        datagram.Slice(offset, integrityPad).Fill(0xFF);
        offset += integrityPad;
        datagram[offset++] = (byte)integrityPad;
        datagram[offset++] = 0x07;
        Span<byte> mac = stackalloc byte[32];
        Hmac(K1, datagram[4..offset], mac);
        mac[..IntegrityCodeLength].CopyTo(datagram[offset..]);
        return offset + IntegrityCodeLength;
    }

    /// <summary>
    /// Checks and decrypts a datagram written by <see cref="Seal"/> (tests and the interoperability check
    /// against a real BMC); returns the message length, or -1 when the AuthCode or the padding is wrong.
    /// </summary>
    public int Open(ReadOnlySpan<byte> datagram, Span<byte> message)
    {
        if (datagram.Length < 16)
        {
            return -1;
        }

        var payloadLength = BinaryPrimitives.ReadUInt16LittleEndian(datagram[14..]);
        if (Suite == 0 || (datagram[5] & 0xC0) == 0)
        {
            if (16 + payloadLength > datagram.Length)
            {
                return -1;
            }

            datagram.Slice(16, payloadLength).CopyTo(message);
            return payloadLength;
        }

        var authStart = datagram.Length - IntegrityCodeLength;
        if (authStart < 16 + payloadLength + 2 || payloadLength < 32 || (payloadLength - 16) % 16 != 0)
        {
            return -1;
        }

        Span<byte> mac = stackalloc byte[32];
        Hmac(K1, datagram[4..authStart], mac);
        if (!mac[..IntegrityCodeLength].SequenceEqual(datagram[authStart..]))
        {
            return -1;
        }

        Span<byte> plain = stackalloc byte[payloadLength - 16];
        _aes!.DecryptCbc(datagram.Slice(32, payloadLength - 16), datagram.Slice(16, 16), plain, PaddingMode.None);
        var pad = plain[^1];
        if (pad > 15 || pad + 1 > plain.Length)
        {
            return -1;
        }

        var length = plain.Length - pad - 1;
        for (var i = 0; i < pad; i++)
        {
            if (plain[length + i] != i + 1)
            {
                return -1;
            }
        }

        plain[..length].CopyTo(message);
        return length;
    }

    public void Dispose() => _aes?.Dispose();

    private int Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, Span<byte> destination) =>
        Sha256 ? HMACSHA256.HashData(key, input, destination) : HMACSHA1.HashData(key, input, destination);
}
