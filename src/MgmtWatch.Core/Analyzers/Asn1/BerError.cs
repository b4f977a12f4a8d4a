namespace MgmtWatch.Core.Analyzers.Asn1;

/// <summary>Why a <see cref="BerReader"/> stopped. Every value but <see cref="Truncated"/> is a protocol violation.</summary>
internal enum BerError : byte
{
    /// <summary>No error.</summary>
    None,

    /// <summary>
    /// The bytes end inside an element whose length fits the message: the capture was cut (snap length),
    /// not the message. Not a violation; parsing simply stops.
    /// </summary>
    Truncated,

    /// <summary>An element's length runs past the end of the element that contains it (or of the datagram).</summary>
    LengthExceedsEnclosing,

    /// <summary>A long-form length of more than 4 octets, or the reserved initial octet 0xFF (X.690 §8.1.3.5).</summary>
    LengthTooLong,

    /// <summary>The indefinite length form (X.690 §8.1.3.6), which SNMP (RFC 3417 §8) and LDAP (RFC 4511 §5.1) forbid.</summary>
    IndefiniteLength,

    /// <summary>A high-tag-number identifier (X.690 §8.1.2.4, tag ≥ 31), which neither SNMP nor LDAP uses.</summary>
    HighTagNumber,

    /// <summary>An element with a different tag than the structure requires.</summary>
    UnexpectedTag,

    /// <summary>An INTEGER with no content octets (X.690 §8.3.1) or more than 8 (beyond 64 bits).</summary>
    BadInteger,

    /// <summary>An OBJECT IDENTIFIER sub-identifier above 2^32−1 or encoded in more than 5 octets (RFC 2578 §3.5).</summary>
    OidSubidentifierTooLong,

    /// <summary>An OBJECT IDENTIFIER that is empty, ends inside a sub-identifier, or pads one with a leading 0x80 (X.690 §8.19.2).</summary>
    OidBadEncoding,

    /// <summary>An OBJECT IDENTIFIER of more than 128 sub-identifiers (RFC 2578 §3.5).</summary>
    OidTooManySubidentifiers,

    /// <summary>Constructed elements nested deeper than <see cref="BerReader.MaxDepth"/>.</summary>
    NestingTooDeep,

    /// <summary>A NULL with content octets (X.690 §8.8.2).</summary>
    BadNull,
}
