using System.Text;

namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// Turns bytes from the wire (a server name, a banner, a URI) into text safe for any output, as Zeek's log
/// writers do: printable ASCII is kept, every other byte and the backslash become <c>\xHH</c>, so nothing
/// a sender chooses can forge a field, a line or a terminal escape, and the original bytes can be recovered.
/// Long values are cut and end with <see cref="TruncationMark"/>.
/// </summary>
public static class WireText
{
    /// <summary>
    /// Appended to a value that was cut. Not ASCII, so it cannot come from the wire (every non-ASCII byte is
    /// escaped) and a cut value is never mistaken for a complete one.
    /// </summary>
    public const string TruncationMark = "\u2026";

    /// <summary>The escaped text of <paramref name="bytes"/>, from at most <paramref name="maxBytes"/> of them.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes, int maxBytes)
    {
        var cut = bytes.Length > maxBytes;
        if (cut)
        {
            bytes = bytes[..Math.Max(0, maxBytes)];
        }

        var plain = true;
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E or (byte)'\\')
            {
                plain = false;
                break;
            }
        }

        if (plain)
        {
            var text = Encoding.ASCII.GetString(bytes);
            return cut ? text + TruncationMark : text;
        }

        var sb = new StringBuilder(bytes.Length + 16);
        Append(sb, bytes);
        if (cut)
        {
            sb.Append(TruncationMark[0]);
        }

        return sb.ToString();
    }

    /// <summary>Appends the escaped text of <paramref name="bytes"/> to <paramref name="sb"/>.</summary>
    public static void Append(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(sb);
        const string Hex = "0123456789abcdef";
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E or (byte)'\\')
            {
                sb.Append('\\').Append('x').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
            }
            else
            {
                sb.Append((char)b);
            }
        }
    }
}
