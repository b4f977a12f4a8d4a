namespace MgmtWatch.Core.Flows;

/// <summary>
/// Zeek's <c>history</c> string, held as 5-bit letter codes in a 128-bit integer (25 letters) instead of a
/// string per flow. Upper case for the originator, lower case for the responder.
/// </summary>
public static class FlowHistory
{
    /// <summary>Letters one 128-bit history holds; later letters are dropped (real histories are far shorter).</summary>
    public const int MaxLetters = 25;

    internal const byte Syn = 1;
    internal const byte SynAck = 2;
    internal const byte Ack = 3;
    internal const byte Data = 4;
    internal const byte Fin = 5;
    internal const byte Rst = 6;
    internal const byte BadChecksum = 7;
    internal const byte Gap = 8;
    internal const byte Retransmission = 9;
    internal const byte ZeroWindow = 10;
    internal const byte Inconsistent = 11;
    internal const byte MultiFlag = 12;
    internal const byte Flipped = 13;
    internal const byte Partial = 14;

    private const byte ResponderBit = 16;

    private static ReadOnlySpan<byte> Letters => " SHADFRCGTWIQ^X"u8;

    /// <summary>Appends one letter.</summary>
    internal static void Append(ref UInt128 history, ref byte length, byte code, bool originator)
    {
        if (length >= MaxLetters)
        {
            return;
        }

        var value = (UInt128)(byte)(originator ? code : code | ResponderBit);
        history |= value << (5 * length);
        length++;
    }

    /// <summary>
    /// Appends a letter Zeek records logarithmically (c, g, t, w): on the 1st, 10th, 100th ... occurrence.
    /// </summary>
    internal static void AppendLogarithmic(ref UInt128 history, ref byte length, ref ushort counter, byte code, bool originator)
    {
        if (counter == ushort.MaxValue)
        {
            return;
        }

        counter++;
        if (counter is 1 or 10 or 100 or 1000 or 10000)
        {
            Append(ref history, ref length, code, originator);
        }
    }

    /// <summary>Writes the history as UTF-8 letters; returns the count.</summary>
    public static int Write(UInt128 history, byte length, Span<byte> destination)
    {
        for (var i = 0; i < length; i++)
        {
            var code = (byte)((history >> (5 * i)) & 0x1F);
            var letter = Letters[code & 0x0F];
            destination[i] = (code & ResponderBit) != 0 && letter is >= (byte)'A' and <= (byte)'Z' ? (byte)(letter + 32) : letter;
        }

        return length;
    }

    /// <summary>The history as a string (tests; allocates).</summary>
    public static string ToString(UInt128 history, byte length)
    {
        Span<byte> buffer = stackalloc byte[MaxLetters];
        var n = Write(history, length, buffer);
        return System.Text.Encoding.ASCII.GetString(buffer[..n]);
    }
}
