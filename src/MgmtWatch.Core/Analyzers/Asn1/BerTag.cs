namespace MgmtWatch.Core.Analyzers.Asn1;

/// <summary>Identifier octets (X.690 §8.1.2) of the universal types SNMP and LDAP use.</summary>
internal static class BerTag
{
    /// <summary>Bit 6 of the identifier: the encoding is constructed.</summary>
    public const byte ConstructedBit = 0x20;

    /// <summary>Bits 8–7 = 10: context-specific class.</summary>
    public const byte ContextClass = 0x80;

    /// <summary>Bits 8–7 = 01: application class.</summary>
    public const byte ApplicationClass = 0x40;

    /// <summary>UNIVERSAL 2.</summary>
    public const byte Integer = 0x02;

    /// <summary>UNIVERSAL 4.</summary>
    public const byte OctetString = 0x04;

    /// <summary>UNIVERSAL 5.</summary>
    public const byte Null = 0x05;

    /// <summary>UNIVERSAL 6.</summary>
    public const byte ObjectIdentifier = 0x06;

    /// <summary>UNIVERSAL 16, constructed.</summary>
    public const byte Sequence = 0x30;
}
