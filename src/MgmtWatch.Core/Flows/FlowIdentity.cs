namespace MgmtWatch.Core.Flows;

/// <summary>
/// The <c>uid</c> and <c>flow_id</c> of a flow, derived from its key, start time and first packet number
/// instead of a random generator, so that reading the same capture twice (or with several threads) yields
/// byte-identical logs. Two flows differ in at least one of these, so their identifiers differ.
/// </summary>
public static class FlowIdentity
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Mask Suricata applies so a flow id survives JSON readers that parse numbers as doubles.</summary>
    public const ulong FlowIdMask = 0x7_FFFF_FFFF_FFFFUL;

    /// <summary>Bytes of a uid: 'C' and up to 17 base62 digits of a 96-bit value, as Zeek writes them.</summary>
    public const int UidMaxLength = 18;

    /// <summary>The flow's 51-bit flow id.</summary>
    public static ulong FlowId(in FlowKey key, long start, long firstPacket)
    {
        var h = Seed(key, start, firstPacket);
        return FlowKey.Mix(h ^ 0x5151_5151UL) & FlowIdMask;
    }

    /// <summary>Writes the uid (Zeek style: 'C' + base62) as UTF-8; returns the length.</summary>
    public static int WriteUid(in FlowKey key, long start, long firstPacket, Span<byte> destination)
    {
        var h = Seed(key, start, firstPacket);
        var high = FlowKey.Mix(h ^ 0xC0FFEEUL) & 0xFFFF_FFFFUL; // 32 + 64 = 96 bits, as Zeek's uids
        var low = FlowKey.Mix(h ^ 0xBEEFUL);

        // The 96-bit value in three 32-bit limbs, divided by 62 per digit the schoolbook way in 64-bit arithmetic
        // (which the JIT turns into multiplications; UInt128 division is a call and a loop per digit).
        var top = (uint)high;
        var middle = (uint)(low >> 32);
        var bottom = (uint)low;
        Span<byte> digits = stackalloc byte[UidMaxLength];
        var n = 0;
        do
        {
            var part = (ulong)top;
            top = (uint)(part / 62);
            part = ((part % 62) << 32) | middle;
            middle = (uint)(part / 62);
            part = ((part % 62) << 32) | bottom;
            bottom = (uint)(part / 62);
            digits[n++] = (byte)Base62[(int)(part % 62)];
        }
        while ((top | middle | bottom) != 0);

        destination[0] = (byte)'C';
        for (var i = 0; i < n; i++)
        {
            destination[1 + i] = digits[n - 1 - i];
        }

        return n + 1;
    }

    /// <summary>The uid as a string (tests; allocates).</summary>
    public static string Uid(in FlowKey key, long start, long firstPacket)
    {
        Span<byte> buffer = stackalloc byte[UidMaxLength];
        var n = WriteUid(key, start, firstPacket, buffer);
        return System.Text.Encoding.ASCII.GetString(buffer[..n]);
    }

    private static ulong Seed(in FlowKey key, long start, long firstPacket) =>
        FlowKey.Mix(key.Hash(0x4D47_4D54_5741_5443UL) ^ FlowKey.Mix((ulong)start) ^ FlowKey.Mix((ulong)firstPacket * 0x9E37_79B9UL));
}
