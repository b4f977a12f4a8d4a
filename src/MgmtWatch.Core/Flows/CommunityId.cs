using System.Buffers.Binary;
using System.Buffers.Text;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Flows;

/// <summary>
/// Community ID v1 (corelight/community-id-spec): <c>1:</c> + base64(SHA-1(seed ‖ saddr ‖ daddr ‖ proto ‖ 0 ‖ sport ‖ dport)),
/// endpoints in canonical order unless the tuple is one-way. ICMP types are mapped to "port equivalents" as
/// Zeek does, so an echo request and its reply share an ID. SHA-1 is the spec's; it names a flow and
/// protects nothing.
/// </summary>
public static class CommunityId
{
    /// <summary>Length of the UTF-8 text: "1:" + 28 base64 characters.</summary>
    public const int Utf8Length = 30;

    /// <summary>Writes the Community ID of a flow tuple as UTF-8; returns the bytes written.</summary>
    public static int Write(HostAddress source, HostAddress destination, ushort sourcePort, ushort destinationPort,
        byte protocol, Span<byte> destinationUtf8, ushort seed = 0)
    {
        var oneWay = false;
        if (protocol is IpProtocol.Icmp or IpProtocol.Icmpv6)
        {
            (sourcePort, destinationPort, oneWay) = IcmpPortEquivalents(protocol, sourcePort, destinationPort);
        }

        var hasPorts = IpProtocol.HasPorts(protocol);
        if (!oneWay && !IsOrdered(source, destination, sourcePort, destinationPort, hasPorts))
        {
            (source, destination) = (destination, source);
            (sourcePort, destinationPort) = (destinationPort, sourcePort);
        }

        Span<byte> input = stackalloc byte[2 + 16 + 16 + 2 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(input, seed);
        var n = 2;
        n += source.WriteNetworkBytes(input[n..]);
        n += destination.WriteNetworkBytes(input[n..]);
        input[n++] = protocol;
        input[n++] = 0;
        if (hasPorts)
        {
            BinaryPrimitives.WriteUInt16BigEndian(input[n..], sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(input[(n + 2)..], destinationPort);
            n += 4;
        }

        Span<byte> digest = stackalloc byte[20];
        Sha1Block.Hash(input[..n], digest);
        destinationUtf8[0] = (byte)'1';
        destinationUtf8[1] = (byte)':';
        Base64.EncodeToUtf8(digest, destinationUtf8[2..], out _, out var written);
        return 2 + written;
    }

    /// <summary>The Community ID as a string (tests and tools; allocates).</summary>
    public static string Compute(HostAddress source, HostAddress destination, ushort sourcePort, ushort destinationPort, byte protocol, ushort seed = 0)
    {
        Span<byte> utf8 = stackalloc byte[Utf8Length];
        var n = Write(source, destination, sourcePort, destinationPort, protocol, utf8, seed);
        return System.Text.Encoding.ASCII.GetString(utf8[..n]);
    }

    private static bool IsOrdered(HostAddress s, HostAddress d, ushort sp, ushort dp, bool hasPorts) =>
        s < d || (s == d && hasPorts && sp < dp);

    /// <summary>
    /// Zeek's ICMP mapping (pycommunityid icmp.py/icmp6.py): request/response types become (type, counterpart)
    /// and are two-way; any other type keeps (type, code) and is one-way.
    /// </summary>
    public static (ushort Source, ushort Destination, bool OneWay) IcmpPortEquivalents(byte protocol, ushort type, ushort code)
    {
        int counterpart = protocol == IpProtocol.Icmp
            ? type switch
            {
                8 => 0,
                0 => 8,     // echo
                13 => 14,
                14 => 13, // timestamp
                15 => 16,
                16 => 15, // information
                10 => 9,
                9 => 10,   // router solicitation / advertisement
                17 => 18,
                18 => 17, // address mask
                _ => -1,
            }
            : type switch
            {
                128 => 129,
                129 => 128, // echo
                133 => 134,
                134 => 133, // router solicitation / advertisement
                135 => 136,
                136 => 135, // neighbor solicitation / advertisement
                130 => 131,
                131 => 130, // MLD query / report
                139 => 140,
                140 => 139, // node information (who-are-you)
                144 => 145,
                145 => 144, // home agent address discovery
                _ => -1,
            };
        return counterpart < 0 ? (type, code, true) : (type, (ushort)counterpart, false);
    }
}
