using MgmtWatch.Core.Analyzers.Asn1;

namespace MgmtWatch.Core.Analyzers.Ldap;

/// <summary>How much of an LDAP message a direction's bytes hold.</summary>
internal enum LdapFraming
{
    /// <summary>A whole LDAPMessage.</summary>
    Complete,

    /// <summary>The message continues in later segments.</summary>
    NeedMore,

    /// <summary>Not an LDAPMessage: not a SEQUENCE, or a length form LDAP forbids (RFC 4511 §5.1).</summary>
    Bad,
}

/// <summary>The LDAP operations a message can carry (RFC 4511 §4.2–§4.12), by protocolOp tag number.</summary>
internal enum LdapOperation : byte
{
    Bind = 0,
    BindResult = 1,
    Unbind = 2,
    Search = 3,
    SearchEntry = 4,
    SearchDone = 5,
    Modify = 6,
    ModifyResult = 7,
    Add = 8,
    AddResult = 9,
    Delete = 10,
    DeleteResult = 11,
    ModifyDn = 12,
    ModifyDnResult = 13,
    Compare = 14,
    CompareResult = 15,
    Abandon = 16,
    SearchReference = 19,
    Extended = 23,
    ExtendedResult = 24,
    Intermediate = 25,
}

/// <summary>
/// One LDAPMessage (RFC 4511 §4.1.1), read in place with the bounded <see cref="BerReader"/>: its operation
/// and, for the messages the analyzer follows, their fields. Spans point into the bytes given to
/// <see cref="Read"/>.
/// </summary>
internal ref struct LdapMessage
{
    /// <summary>UNIVERSAL 10, ENUMERATED (resultCode).</summary>
    private const byte Enumerated = 0x0A;

    /// <summary>The StartTLS extended operation's name (RFC 4511 §4.14.1): what follows is TLS.</summary>
    public static ReadOnlySpan<byte> StartTlsOid => "1.3.6.1.4.1.1466.20037"u8;

    public LdapOperation Operation;

    /// <summary>BindRequest version (RFC 4511 §4.2: 3; 2 is the obsolete LDAPv2).</summary>
    public long Version;

    /// <summary>BindRequest name: the DN (or, for Active Directory, a user principal name) logging in. A credential.</summary>
    public ReadOnlySpan<byte> Name;

    /// <summary>BindRequest simple password (context tag 0); empty for an anonymous or unauthenticated bind. A secret.</summary>
    public ReadOnlySpan<byte> Password;

    /// <summary>Whether the BindRequest authenticates with SASL (context tag 3) rather than a simple password.</summary>
    public bool Sasl;

    /// <summary>The SASL mechanism (e.g. GSSAPI, EXTERNAL, DIGEST-MD5, PLAIN).</summary>
    public ReadOnlySpan<byte> Mechanism;

    /// <summary>The SASL credentials, if any (for PLAIN, RFC 4616: authzid NUL authcid NUL password). A secret.</summary>
    public ReadOnlySpan<byte> SaslCredentials;

    /// <summary>A result's resultCode (RFC 4511 §4.1.9), or -1.</summary>
    public long ResultCode;

    /// <summary>An ExtendedRequest's requestName (an OID in dotted text, RFC 4511 §4.12).</summary>
    public ReadOnlySpan<byte> RequestName;

    /// <summary>
    /// The length of the LDAPMessage at the start of <paramref name="data"/>, from its SEQUENCE header, read by
    /// <see cref="BerReader"/> with no bound but the message's own length (the bytes so far may stop short of it).
    /// </summary>
    public static LdapFraming Frame(ReadOnlySpan<byte> data, out int total)
    {
        total = 0;
        if (!data.IsEmpty && data[0] != BerTag.Sequence)
        {
            return LdapFraming.Bad;
        }

        var reader = new BerReader(data, int.MaxValue);
        if (!reader.TryReadElement(out var message))
        {
            return reader.Error == BerError.Truncated ? LdapFraming.NeedMore : LdapFraming.Bad;
        }

        total = message.Offset + message.Length;
        return data.Length >= total ? LdapFraming.Complete : LdapFraming.NeedMore;
    }

    /// <summary>Reads a whole message (as <see cref="Frame"/> measured it); false when it breaks RFC 4511's grammar.</summary>
    public bool Read(ReadOnlySpan<byte> message)
    {
        this = default;
        ResultCode = -1;
        var reader = new BerReader(message, message.Length);
        if (!reader.TryEnter(BerTag.Sequence, out var body) || !body.TryReadInteger(BerTag.Integer, out var id) || id < 0 || id > int.MaxValue
            || !body.TryPeekTag(out var tag) || (tag & 0xC0) != BerTag.ApplicationClass)
        {
            return false;
        }

        Operation = (LdapOperation)(tag & 0x1F);
        if ((tag & BerTag.ConstructedBit) == 0)
        {
            // UnbindRequest (NULL), DelRequest (a DN) and AbandonRequest (an id) are primitive.
            return Operation is LdapOperation.Unbind or LdapOperation.Delete or LdapOperation.Abandon && body.TrySkip();
        }

        if (!body.TryEnterAny(out _, out var op))
        {
            return false;
        }

        return Operation switch
        {
            LdapOperation.Bind => ReadBind(ref op),
            LdapOperation.Extended => op.TryReadOctetString(BerTag.ContextClass, out RequestName),
            LdapOperation.BindResult or LdapOperation.SearchDone or LdapOperation.ModifyResult or LdapOperation.AddResult
                or LdapOperation.DeleteResult or LdapOperation.ModifyDnResult or LdapOperation.CompareResult
                or LdapOperation.ExtendedResult => op.TryReadInteger(Enumerated, out ResultCode),
            _ => true,
        };
    }

    private bool ReadBind(ref BerReader op)
    {
        if (!op.TryReadInteger(BerTag.Integer, out Version) || !op.TryReadOctetString(BerTag.OctetString, out Name) || !op.TryPeekTag(out var auth))
        {
            return false;
        }

        if (auth == BerTag.ContextClass)
        {
            return op.TryReadOctetString(BerTag.ContextClass, out Password);
        }

        // sasl [3] SaslCredentials ::= SEQUENCE { mechanism LDAPString, credentials OCTET STRING OPTIONAL }
        if (auth != (BerTag.ContextClass | BerTag.ConstructedBit | 3) || !op.TryEnter(auth, out var sasl))
        {
            return false;
        }

        Sasl = true;
        return sasl.TryReadOctetString(BerTag.OctetString, out Mechanism) && (!sasl.HasMore || sasl.TryReadOctetString(BerTag.OctetString, out SaslCredentials));
    }
}
