using System.Buffers.Binary;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>
/// Damages a real capture file the ways real files and attackers damage them: flipped bytes, a cut at any
/// offset, absurd record and block lengths, an unknown or zero link type, a swapped or foreign magic number,
/// a duplicated or zeroed region, inserted noise. It knows where pcap record headers and pcapng block
/// lengths are (so the absurd lengths land on lengths), and is deterministic for a seed.
/// </summary>
public static class CaptureMutator
{
    private const uint PcapMicro = 0xA1B2C3D4;
    private const uint PcapNano = 0xA1B23C4D;
    private const uint PcapNgSection = 0x0A0D0D0A;

    /// <summary>One to four mutations chosen by <paramref name="seed"/>; <paramref name="applied"/> names them (for a failure message).</summary>
    public static byte[] Mutate(byte[] capture, int seed, out string applied)
    {
        var random = new Random(seed);
        var bytes = (byte[])capture.Clone();
        var names = new List<string>();
        var count = 1 + random.Next(4);
        for (var i = 0; i < count && bytes.Length > 0; i++)
        {
            var kind = random.Next(9);
            names.Add(kind switch
            {
                0 => Flip(bytes, random),
                1 => Cut(ref bytes, random),
                2 => AbsurdLength(bytes, random),
                3 => BadLinkType(bytes, random),
                4 => SwappedMagic(bytes, random),
                5 => Duplicate(ref bytes, random),
                6 => Zero(bytes, random),
                7 => Insert(ref bytes, random),
                _ => AbsurdLength(bytes, random),
            });
        }

        applied = string.Join(", ", names);
        return bytes;
    }

    private static string Flip(byte[] b, Random r)
    {
        var n = 1 + r.Next(16);
        for (var i = 0; i < n; i++)
        {
            b[r.Next(b.Length)] ^= (byte)(1 + r.Next(255));
        }

        return $"flip {n} bytes";
    }

    private static string Cut(ref byte[] b, Random r)
    {
        var at = r.Next(b.Length);
        b = b[..at];
        return $"cut at {at}";
    }

    private static string Duplicate(ref byte[] b, Random r)
    {
        var at = r.Next(b.Length);
        var n = Math.Min(b.Length - at, 1 + r.Next(512));
        b = [.. b[..(at + n)], .. b.AsSpan(at, n), .. b[(at + n)..]];
        return $"duplicate {n} bytes at {at}";
    }

    private static string Zero(byte[] b, Random r)
    {
        var at = r.Next(b.Length);
        var n = Math.Min(b.Length - at, 1 + r.Next(64));
        b.AsSpan(at, n).Clear();
        return $"zero {n} bytes at {at}";
    }

    private static string Insert(ref byte[] b, Random r)
    {
        var at = r.Next(b.Length + 1);
        var noise = new byte[1 + r.Next(64)];
        r.NextBytes(noise);
        b = [.. b[..at], .. noise, .. b[at..]];
        return $"insert {noise.Length} bytes at {at}";
    }

    /// <summary>A record's captured length (pcap) or a block's total length (pcapng) set to an absurd value.</summary>
    private static string AbsurdLength(byte[] b, Random r)
    {
        var offsets = LengthOffsets(b);
        if (offsets.Count == 0)
        {
            return Flip(b, r);
        }

        var (at, bigEndian) = offsets[r.Next(offsets.Count)];
        uint[] absurd = [0, 1, 3, 11, 12, 13, 65_535, 262_144, 262_145, 1u << 20, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFF0, 0xFFFF_FFFF];
        var value = absurd[r.Next(absurd.Length)];
        Write(b.AsSpan(at, 4), value, bigEndian);
        return $"length at {at} = {value}";
    }

    private static string BadLinkType(byte[] b, Random r)
    {
        ushort[] types = [0, 2, 105, 127, 147, 0xFFFF, 276, 113, 101];
        var type = types[r.Next(types.Length)];
        if (b.Length >= 24 && IsPcap(b, out var bigEndian))
        {
            Write(b.AsSpan(20, 4), type, bigEndian);
            return $"pcap link type {type}";
        }

        // pcapng: the first interface description block's link type (its first body field).
        foreach (var (offset, blockType, bigEndianNg) in Blocks(b))
        {
            if (blockType == 1 && offset + 10 <= b.Length)
            {
                if (bigEndianNg)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(offset + 8), type);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(offset + 8), type);
                }

                return $"pcapng link type {type}";
            }
        }

        return Flip(b, r);
    }

    private static string SwappedMagic(byte[] b, Random r)
    {
        if (b.Length < 4)
        {
            return Flip(b, r);
        }

        uint[] magics = [BinaryPrimitives.ReverseEndianness(BinaryPrimitives.ReadUInt32LittleEndian(b)), PcapMicro, PcapNano, PcapNgSection, 0x1F8B0800, 0xD4C3B2A1, 0];
        var magic = magics[r.Next(magics.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(b, magic);
        return $"magic {magic:x8}";
    }

    private static bool IsPcap(byte[] b, out bool bigEndian)
    {
        var le = BinaryPrimitives.ReadUInt32LittleEndian(b);
        bigEndian = BinaryPrimitives.ReadUInt32BigEndian(b) is PcapMicro or PcapNano;
        return le is PcapMicro or PcapNano || bigEndian;
    }

    /// <summary>Offsets of every length field: pcap record captured lengths, pcapng leading and trailing block lengths.</summary>
    private static List<(int Offset, bool BigEndian)> LengthOffsets(byte[] b)
    {
        var offsets = new List<(int, bool)>();
        if (b.Length >= 24 && IsPcap(b, out var bigEndian))
        {
            for (var at = 24; at + 16 <= b.Length;)
            {
                offsets.Add((at + 8, bigEndian));
                var captured = Read(b.AsSpan(at + 8, 4), bigEndian);
                if (captured > 262_144)
                {
                    break;
                }

                at += 16 + (int)captured;
            }

            return offsets;
        }

        foreach (var (offset, _, bigEndianNg) in Blocks(b))
        {
            offsets.Add((offset + 4, bigEndianNg));
            var total = (int)Read(b.AsSpan(offset + 4, 4), bigEndianNg);
            if (offset + total - 4 >= offset + 8 && offset + total <= b.Length)
            {
                offsets.Add((offset + total - 4, bigEndianNg));
            }

            if (b.Length > offset + 28 && Read(b.AsSpan(offset, 4), bigEndianNg) == 6)
            {
                offsets.Add((offset + 20, bigEndianNg)); // EPB captured length
            }
        }

        return offsets;
    }

    private static IEnumerable<(int Offset, uint Type, bool BigEndian)> Blocks(byte[] b)
    {
        var bigEndian = false;
        for (var at = 0; at + 12 <= b.Length;)
        {
            var type = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
            if (type == PcapNgSection)
            {
                bigEndian = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at + 8)) == 0x1A2B3C4D;
            }
            else
            {
                type = Read(b.AsSpan(at, 4), bigEndian);
            }

            yield return (at, type, bigEndian);
            var total = Read(b.AsSpan(at + 4, 4), bigEndian);
            if (total < 12 || total % 4 != 0 || total > (uint)(b.Length - at))
            {
                yield break;
            }

            at += (int)total;
        }
    }

    private static uint Read(ReadOnlySpan<byte> s, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

    private static void Write(Span<byte> s, uint v, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(s, v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s, v);
        }
    }
}
