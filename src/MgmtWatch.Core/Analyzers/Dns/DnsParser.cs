using System.Buffers.Binary;

namespace MgmtWatch.Core.Analyzers.Dns;

/// <summary>
/// Reads a DNS message (RFC 1035 §4.1): header, first question, and a structural walk of every resource
/// record (names with compression, fixed fields, RDATA length) without interpreting RDATA. Names are
/// decompressed with strictly backward pointers (which cannot loop) and the RFC 1035 §3.1 limits of 63
/// octets per label and 255 per name. Returns the first violation's anomaly name, or null; never throws.
/// </summary>
internal static class DnsParser
{
    /// <summary>RFC 1035 §4.1.1: the header is 12 octets.</summary>
    public const int HeaderLength = 12;

    /// <summary>RFC 1035 §3.1: a name is at most 255 octets in wire form, root label included.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Buffer size callers give for the question name (labels with their length octets, no root).</summary>
    public const int NameBufferLength = MaxNameLength;

    /// <summary>RFC 1035 §4.1.3: TYPE, CLASS, TTL, RDLENGTH after the owner name.</summary>
    private const int RecordFixedLength = 10;

    /// <summary>Parses <paramref name="captured"/>, the kept part of a <paramref name="wireLength"/>-byte message.</summary>
    public static string? Parse(ReadOnlySpan<byte> captured, int wireLength, Span<byte> nameBuffer, out DnsMessage message)
    {
        message = default;
        message.LongestLabel = -1;
        wireLength = Math.Max(wireLength, captured.Length);
        if (captured.Length < HeaderLength)
        {
            if (wireLength < HeaderLength)
            {
                return DnsAnomaly.HeaderTruncated;
            }

            message.CaptureTruncated = true;
            return null;
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(captured[2..]);
        message.HasHeader = true;
        message.IsResponse = (flags & 0x8000) != 0;
        message.Opcode = (byte)((flags >> 11) & 0x0F);
        message.Rcode = (byte)(flags & 0x000F);
        message.Questions = BinaryPrimitives.ReadUInt16BigEndian(captured[4..]);
        message.Answers = BinaryPrimitives.ReadUInt16BigEndian(captured[6..]);
        int records = message.Answers + BinaryPrimitives.ReadUInt16BigEndian(captured[8..]) + BinaryPrimitives.ReadUInt16BigEndian(captured[10..]);

        var offset = HeaderLength;
        for (var q = 0; q < message.Questions; q++)
        {
            var first = q == 0;
            var result = ReadName(captured, wireLength, ref offset, first ? nameBuffer : default, out var nameLength, out var labels, out var longest);
            if (result is not null || offset < 0)
            {
                return Stop(ref message, result);
            }

            if (offset + 4 > captured.Length)
            {
                return offset + 4 > wireLength ? DnsAnomaly.QuestionTruncated : Stop(ref message, null);
            }

            if (first)
            {
                message.NameLength = nameLength;
                message.Labels = labels;
                message.LongestLabel = longest;
                message.QueryType = BinaryPrimitives.ReadUInt16BigEndian(captured[offset..]);
                message.QueryClass = BinaryPrimitives.ReadUInt16BigEndian(captured[(offset + 2)..]);
                message.HasQuestion = true;
            }

            offset += 4;
        }

        for (var r = 0; r < records; r++)
        {
            var result = ReadName(captured, wireLength, ref offset, default, out _, out _, out _);
            if (result is not null || offset < 0)
            {
                return Stop(ref message, result);
            }

            if (offset + RecordFixedLength > captured.Length)
            {
                return offset + RecordFixedLength > wireLength ? DnsAnomaly.RecordTruncated : Stop(ref message, null);
            }

            var rdLength = BinaryPrimitives.ReadUInt16BigEndian(captured[(offset + 8)..]);
            offset += RecordFixedLength + rdLength;
            if (offset > captured.Length)
            {
                return offset > wireLength ? DnsAnomaly.RecordTruncated : Stop(ref message, null);
            }
        }

        return message.Questions > 1 && message.Opcode == 0 ? DnsAnomaly.MultipleQuestions : null;
    }

    /// <summary>A violation, or (null) the capture ended: mark the message truncated.</summary>
    private static string? Stop(ref DnsMessage message, string? violation)
    {
        if (violation is null)
        {
            message.CaptureTruncated = true;
        }

        return violation;
    }

    /// <summary>
    /// Reads the name at <paramref name="offset"/> and moves it past the name (−1 when the capture ended
    /// inside it). Labels are copied, length-prefixed, into <paramref name="output"/> when it is not empty.
    /// <paramref name="longest"/> is the offset in <paramref name="output"/> of the longest label's length octet.
    /// </summary>
    public static string? ReadName(ReadOnlySpan<byte> message, int wireLength, ref int offset, Span<byte> output,
        out int outputLength, out int labels, out int longest)
    {
        outputLength = 0;
        labels = 0;
        longest = -1;
        var longestLength = 0;
        var p = offset;
        var runStart = offset;
        var followed = false;
        var nameLength = 1; // the root label's length octet
        while (true)
        {
            if (p >= message.Length)
            {
                offset = -1;
                return p >= wireLength ? DnsAnomaly.NameTruncated : null;
            }

            var length = message[p];
            switch (length & 0xC0)
            {
                case 0xC0:
                    if (p + 1 >= message.Length)
                    {
                        offset = -1;
                        return p + 1 >= wireLength ? DnsAnomaly.NameTruncated : null;
                    }

                    // RFC 1035 §4.1.4. A pointer is followed only if it lands past the header and before the
                    // start of the labels being read (an earlier name): each run then starts earlier than
                    // the last, so no chain of pointers can loop.
                    var target = ((length & 0x3F) << 8) | message[p + 1];
                    if (target >= runStart || target < HeaderLength)
                    {
                        return DnsAnomaly.PointerInvalid;
                    }

                    runStart = target;

                    if (!followed)
                    {
                        offset = p + 2;
                        followed = true;
                    }

                    p = target;
                    continue;
                case 0x40:
                case 0x80:
                    return DnsAnomaly.LabelBadType;
            }

            if (length == 0)
            {
                if (!followed)
                {
                    offset = p + 1;
                }

                return null;
            }

            nameLength += length + 1;
            if (nameLength > MaxNameLength)
            {
                return DnsAnomaly.NameTooLong;
            }

            if (p + 1 + length > message.Length)
            {
                offset = -1;
                return p + 1 + length > wireLength ? DnsAnomaly.NameTruncated : null;
            }

            if (!output.IsEmpty && outputLength + 1 + length <= output.Length)
            {
                if (length > longestLength)
                {
                    longestLength = length;
                    longest = outputLength;
                }

                output[outputLength] = length;
                message.Slice(p + 1, length).CopyTo(output[(outputLength + 1)..]);
                outputLength += 1 + length;
            }

            labels++;
            p += 1 + length;
        }
    }
}
