namespace MgmtWatch.Core.Analyzers.Dns;

/// <summary>What <see cref="DnsParser"/> read from one DNS message (RFC 1035 §4.1).</summary>
internal struct DnsMessage
{
    /// <summary>True when the 12-byte header was read.</summary>
    public bool HasHeader;

    /// <summary>QR: a response.</summary>
    public bool IsResponse;

    /// <summary>OPCODE (0: QUERY).</summary>
    public byte Opcode;

    /// <summary>RCODE (header bits only; EDNS extended RCODE bits are not added).</summary>
    public byte Rcode;

    /// <summary>QDCOUNT.</summary>
    public ushort Questions;

    /// <summary>ANCOUNT.</summary>
    public ushort Answers;

    /// <summary>True when the first question (name, type, class) was read.</summary>
    public bool HasQuestion;

    /// <summary>QTYPE of the first question.</summary>
    public ushort QueryType;

    /// <summary>QCLASS of the first question.</summary>
    public ushort QueryClass;

    /// <summary>Bytes of the decoded question name in the caller's buffer (length-prefixed labels, no root).</summary>
    public int NameLength;

    /// <summary>Labels in the question name.</summary>
    public int Labels;

    /// <summary>Offset of the longest label's length octet in the caller's name buffer, or −1.</summary>
    public int LongestLabel;

    /// <summary>True when the bytes ended inside the message because the capture cut it, not the sender.</summary>
    public bool CaptureTruncated;
}
