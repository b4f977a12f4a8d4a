namespace MgmtWatch.Core.Analyzers.Dns;

/// <summary>Names of the DNS protocol violations reported as EVE <c>anomaly</c> events (app_proto <c>dns</c>).</summary>
internal static class DnsAnomaly
{
    /// <summary>A message shorter than the 12-byte header (RFC 1035 §4.1.1).</summary>
    public const string HeaderTruncated = "DNS_HEADER_TRUNCATED";

    /// <summary>A name that runs past the end of the message.</summary>
    public const string NameTruncated = "DNS_NAME_TRUNCATED";

    /// <summary>A name longer than 255 octets (RFC 1035 §3.1).</summary>
    public const string NameTooLong = "DNS_NAME_TOO_LONG";

    /// <summary>A label type 01 or 10 (RFC 6891 §5 retired extended labels; 10 is reserved).</summary>
    public const string LabelBadType = "DNS_LABEL_BAD_TYPE";

    /// <summary>A compression pointer that does not point strictly backwards into the message (loops, forward or header pointers).</summary>
    public const string PointerInvalid = "DNS_POINTER_INVALID";

    /// <summary>The question's type and class run past the end of the message.</summary>
    public const string QuestionTruncated = "DNS_QUESTION_TRUNCATED";

    /// <summary>A resource record (fixed fields or RDATA) runs past the end of the message.</summary>
    public const string RecordTruncated = "DNS_RR_TRUNCATED";

    /// <summary>More than one question (RFC 9619: QDCOUNT is at most 1 for QUERY).</summary>
    public const string MultipleQuestions = "DNS_MULTIPLE_QUESTIONS";

    /// <summary>A TCP length prefix smaller than a DNS header (RFC 1035 §4.2.2, RFC 7766).</summary>
    public const string TcpLengthTooShort = "DNS_TCP_LENGTH_TOO_SHORT";
}
