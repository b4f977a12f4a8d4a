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

    /// <summary>
    /// The most characters any text that came from the wire may have in an output (a field, a piece of
    /// evidence, an alert's description): the pipeline cuts longer values with <see cref="Sanitize"/> so a
    /// sender cannot inflate one record without bound. Generous for real values (an SSH algorithm list, the
    /// longest, is about 1 KiB; a URI is cut at 256 bytes by its analyzer).
    /// </summary>
    public const int MaxFieldChars = 4096;

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

    /// <summary>
    /// Makes text for an output safe whatever built it: C0 and C1 control characters and DEL become
    /// <c>\xHH</c>, bidirectional overrides and isolates (which reorder what a terminal or viewer shows) and
    /// unpaired surrogates (invalid UTF-16) become <c>\uHHHH</c>, and text longer than
    /// <paramref name="maxChars"/> is cut, never inside an escape or a surrogate pair, and ends with
    /// <see cref="TruncationMark"/>. Text that needs none of it is returned as is, without allocating, so
    /// text escaped by <see cref="Escape"/> passes unchanged (its backslashes are kept: escaping them again
    /// would garble the escapes already there).
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Sanitize(string? text, int maxChars = MaxFieldChars)
    {
        if (text is null)
        {
            return null;
        }

        var first = FirstUnsafe(text);
        if (first < 0 && text.Length <= maxChars)
        {
            return text;
        }

        var sb = new StringBuilder(Math.Min(text.Length, maxChars) + 8);
        var cut = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var escape = !pair && IsUnsafe(c);
            var width = escape ? (c <= 0xFF ? 4 : 6) : pair ? 2 : 1;
            if (sb.Length + width > maxChars)
            {
                cut = true;
                break;
            }

            if (pair)
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (!escape)
            {
                sb.Append(c);
            }
            else if (c <= 0xFF)
            {
                sb.Append('\\').Append('x').Append(Hex((c >> 4) & 0xF)).Append(Hex(c & 0xF));
            }
            else
            {
                sb.Append('\\').Append('u').Append(Hex(c >> 12)).Append(Hex((c >> 8) & 0xF)).Append(Hex((c >> 4) & 0xF)).Append(Hex(c & 0xF));
            }
        }

        if (cut)
        {
            sb.Append(TruncationMark[0]);
        }

        return sb.ToString();
    }

    /// <summary>Index of the first character <see cref="Sanitize"/> would escape, or −1.</summary>
    private static int FirstUnsafe(string text)
    {
        // Nearly every value is printable ASCII, which a vectorised scan clears at once; the character checks
        // start at the first character outside it.
        var start = text.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        if (start < 0)
        {
            return -1;
        }

        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (IsUnsafe(c))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>C0 controls, DEL and C1 controls (ECMA-48: a terminal acts on them), bidirectional embeddings, overrides and isolates (Unicode UAX #9), lone surrogates.</summary>
    private static bool IsUnsafe(char c) =>
        c < 0x20 || c is >= '\u007F' and <= '\u009F' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' || char.IsSurrogate(c);

    private static char Hex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
