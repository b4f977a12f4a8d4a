namespace MgmtWatch.Core.Analyzers.Asn1;

/// <summary>
/// A strict reader of BER (ITU-T X.690) as SNMP and LDAP use it: single-octet identifiers, definite
/// lengths of at most 4 octets, every length checked against the element that contains it, nesting
/// bounded. It reads hostile bytes: it never throws, never allocates and never trusts an encoded length
/// further than the bytes around it; the first problem stops it and is kept in <see cref="Error"/>.
/// </summary>
/// <remarks>
/// Two ends are tracked: the declared end of the region being read (the datagram, or the parent
/// element's content) and the bytes actually captured. An element that claims more than its region is
/// a violation (<see cref="BerError.LengthExceedsEnclosing"/>); one that fits its region but runs past
/// what the capture kept is <see cref="BerError.Truncated"/>, the snap length's fault, not the sender's.
/// </remarks>
internal ref struct BerReader
{
    /// <summary>
    /// Constructed elements nested at most this deep. An SNMPv3 message nests six levels (message,
    /// scoped PDU, PDU, variable bindings, binding, value) and LDAP filters a few more; 16 leaves room and
    /// bounds recursion on hostile input, which can nest one level per two bytes.
    /// </summary>
    public const int MaxDepth = 16;

    /// <summary>Long-form lengths of more than 4 octets describe more than any datagram or PDU can hold.</summary>
    private const int MaxLengthOctets = 4;

    /// <summary>INTEGER contents beyond 8 octets do not fit 64 bits; no SNMP or LDAP integer needs them.</summary>
    private const int MaxIntegerOctets = 8;

    /// <summary>RFC 2578 §3.5: at most 128 sub-identifiers, each at most 2^32−1 (5 octets of 7 bits).</summary>
    private const int MaxSubidentifiers = 128;

    private const int MaxSubidentifierOctets = 5;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _end;
    private readonly int _depth;
    private int _position;

    /// <summary>Reads a message of <paramref name="wireLength"/> bytes of which <paramref name="captured"/> were kept.</summary>
    public BerReader(ReadOnlySpan<byte> captured, int wireLength)
        : this(captured, 0, Math.Max(wireLength, captured.Length), 0)
    {
    }

    private BerReader(ReadOnlySpan<byte> data, int start, int end, int depth)
    {
        _data = data;
        _position = start;
        _end = end;
        _depth = depth;
        Error = BerError.None;
    }

    /// <summary>Why reading stopped, or <see cref="BerError.None"/>.</summary>
    public BerError Error { get; private set; }

    /// <summary>Nesting depth of this region (0: the message itself).</summary>
    public readonly int Depth => _depth;

    /// <summary>True while elements remain in the region.</summary>
    public readonly bool HasMore => Error == BerError.None && _position < _end;

    /// <summary>Bytes left in the region (declared, not necessarily captured).</summary>
    public readonly int Remaining => _end - _position;

    /// <summary>The identifier octet of the next element, without consuming it.</summary>
    public readonly bool TryPeekTag(out byte tag)
    {
        tag = 0;
        if (Error != BerError.None || _position >= _end || _position >= _data.Length)
        {
            return false;
        }

        tag = _data[_position];
        return true;
    }

    /// <summary>Reads the next element's header and steps over its content, whatever its tag.</summary>
    public bool TryReadElement(out BerElement element)
    {
        if (!TryReadHeader(out element))
        {
            return false;
        }

        _position = element.Offset + element.Length;
        return true;
    }

    /// <summary>The content of <paramref name="element"/> if it was captured whole.</summary>
    public bool TryGetContent(BerElement element, out ReadOnlySpan<byte> content)
    {
        if (element.Offset + element.Length > _data.Length)
        {
            content = default;
            return Fail(BerError.Truncated);
        }

        content = _data.Slice(element.Offset, element.Length);
        return true;
    }

    /// <summary>Enters a constructed element tagged <paramref name="tag"/>: <paramref name="contents"/> reads inside it.</summary>
    public bool TryEnter(byte tag, out BerReader contents)
    {
        contents = default;
        if (!TryReadHeader(out var element))
        {
            return false;
        }

        if (element.Tag != tag)
        {
            return Fail(BerError.UnexpectedTag);
        }

        return Enter(element, out contents);
    }

    /// <summary>Enters the next element, which must be constructed, whatever its tag (a CHOICE such as an SNMP PDU).</summary>
    public bool TryEnterAny(out byte tag, out BerReader contents)
    {
        contents = default;
        tag = 0;
        if (!TryReadHeader(out var element))
        {
            return false;
        }

        tag = element.Tag;
        if (!element.Constructed)
        {
            return Fail(BerError.UnexpectedTag);
        }

        return Enter(element, out contents);
    }

    /// <summary>
    /// Enters a primitive element tagged <paramref name="tag"/> whose content is itself BER (the SNMPv3
    /// msgSecurityParameters OCTET STRING): <paramref name="contents"/> reads inside it, one level deeper.
    /// </summary>
    public bool TryEnterEncapsulated(byte tag, out BerReader contents)
    {
        contents = default;
        if (!TryReadHeader(out var element))
        {
            return false;
        }

        return element.Tag != tag ? Fail(BerError.UnexpectedTag) : Enter(element, out contents);
    }

    /// <summary>
    /// Reads a primitive element tagged <paramref name="tag"/> that was captured whole, returning where its
    /// content lies in the message rather than the bytes (for callers that keep positions, not spans).
    /// </summary>
    public bool TryReadPrimitive(byte tag, out BerElement element)
    {
        if (!TryReadHeader(out element))
        {
            return false;
        }

        if (element.Tag != tag)
        {
            return Fail(BerError.UnexpectedTag);
        }

        if (element.Offset + element.Length > _data.Length)
        {
            return Fail(BerError.Truncated);
        }

        _position = element.Offset + element.Length;
        return true;
    }

    /// <summary>Reads an INTEGER (or an application type encoded like one) of at most 64 bits.</summary>
    public bool TryReadInteger(byte tag, out long value)
    {
        value = 0;
        if (!TryReadContent(tag, out var content))
        {
            return false;
        }

        if (content.Length is 0 or > MaxIntegerOctets)
        {
            return Fail(BerError.BadInteger);
        }

        // Two's complement, big-endian (X.690 §8.3.3): sign-extend from the first octet.
        long v = (sbyte)content[0];
        for (var i = 1; i < content.Length; i++)
        {
            v = (v << 8) | content[i];
        }

        value = v;
        return true;
    }

    /// <summary>Reads an OCTET STRING (or another primitive string type) captured whole.</summary>
    public bool TryReadOctetString(byte tag, out ReadOnlySpan<byte> value) => TryReadContent(tag, out value);

    /// <summary>Reads a NULL, which has no content.</summary>
    public bool TryReadNull(byte tag)
    {
        if (!TryReadContent(tag, out var content))
        {
            return false;
        }

        return content.Length == 0 || Fail(BerError.BadNull);
    }

    /// <summary>
    /// Reads and validates an OBJECT IDENTIFIER: <paramref name="encoded"/> is its content octets and
    /// <paramref name="subidentifiers"/> the number of arcs (the first octet group encodes two).
    /// </summary>
    public bool TryReadObjectIdentifier(byte tag, out ReadOnlySpan<byte> encoded, out int subidentifiers)
    {
        subidentifiers = 0;
        if (!TryReadContent(tag, out encoded))
        {
            return false;
        }

        var error = ValidateObjectIdentifier(encoded, out subidentifiers);
        return error == BerError.None || Fail(error);
    }

    /// <summary>
    /// Steps over the next element, checking the structure of constructed ones down to
    /// <see cref="MaxDepth"/> (a value whose type the caller does not interpret).
    /// </summary>
    public bool TrySkip()
    {
        if (!TryReadHeader(out var element))
        {
            return false;
        }

        if (!element.Constructed)
        {
            _position = element.Offset + element.Length;
            return true;
        }

        if (!Enter(element, out var inner))
        {
            return false;
        }

        while (inner.HasMore)
        {
            if (!inner.TrySkip())
            {
                return Fail(inner.Error);
            }
        }

        return inner.Error == BerError.None || Fail(inner.Error);
    }

    /// <summary>Checks the content octets of an OBJECT IDENTIFIER (X.690 §8.19, RFC 2578 §3.5).</summary>
    public static BerError ValidateObjectIdentifier(ReadOnlySpan<byte> encoded, out int subidentifiers)
    {
        subidentifiers = 0;
        if (encoded.IsEmpty)
        {
            return BerError.OidBadEncoding;
        }

        var i = 0;
        var arcs = 0;
        while (i < encoded.Length)
        {
            var start = i;
            ulong value = 0;
            var octets = 0;
            var complete = false;
            while (i < encoded.Length)
            {
                var b = encoded[i++];
                octets++;
                if (octets <= MaxSubidentifierOctets)
                {
                    value = (value << 7) | (uint)(b & 0x7F);
                }

                if ((b & 0x80) == 0)
                {
                    complete = true;
                    break;
                }
            }

            if (octets > MaxSubidentifierOctets || value > uint.MaxValue)
            {
                return BerError.OidSubidentifierTooLong;
            }

            if (!complete || encoded[start] == 0x80)
            {
                return BerError.OidBadEncoding;
            }

            arcs += arcs == 0 ? 2 : 1;
            if (arcs > MaxSubidentifiers)
            {
                return BerError.OidTooManySubidentifiers;
            }
        }

        subidentifiers = arcs;
        return BerError.None;
    }

    private bool Enter(BerElement element, out BerReader contents)
    {
        contents = default;
        if (_depth + 1 > MaxDepth)
        {
            return Fail(BerError.NestingTooDeep);
        }

        contents = new BerReader(_data, element.Offset, element.Offset + element.Length, _depth + 1);
        _position = element.Offset + element.Length;
        return true;
    }

    private bool TryReadContent(byte tag, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (!TryReadHeader(out var element))
        {
            return false;
        }

        if (element.Tag != tag)
        {
            return Fail(BerError.UnexpectedTag);
        }

        if (!TryGetContent(element, out content))
        {
            return false;
        }

        _position = element.Offset + element.Length;
        return true;
    }

    /// <summary>Identifier and length octets (X.690 §8.1.2, §8.1.3), checked against the region and the capture.</summary>
    private bool TryReadHeader(out BerElement element)
    {
        element = default;
        if (Error != BerError.None)
        {
            return false;
        }

        var p = _position;
        if (p >= _end)
        {
            return Fail(BerError.LengthExceedsEnclosing);
        }

        if (p >= _data.Length)
        {
            return Fail(BerError.Truncated);
        }

        var tag = _data[p++];
        if ((tag & 0x1F) == 0x1F)
        {
            return Fail(BerError.HighTagNumber);
        }

        if (p >= _end)
        {
            return Fail(BerError.LengthExceedsEnclosing);
        }

        if (p >= _data.Length)
        {
            return Fail(BerError.Truncated);
        }

        var first = _data[p++];
        long length;
        if (first < 0x80)
        {
            length = first;
        }
        else if (first == 0x80)
        {
            return Fail(BerError.IndefiniteLength);
        }
        else
        {
            var octets = first & 0x7F;
            if (octets > MaxLengthOctets)
            {
                return Fail(BerError.LengthTooLong);
            }

            length = 0;
            for (var i = 0; i < octets; i++)
            {
                if (p >= _end)
                {
                    return Fail(BerError.LengthExceedsEnclosing);
                }

                if (p >= _data.Length)
                {
                    return Fail(BerError.Truncated);
                }

                length = (length << 8) | _data[p++];
            }
        }

        if (length > _end - p)
        {
            return Fail(BerError.LengthExceedsEnclosing);
        }

        element = new BerElement(tag, p, (int)length);
        return true;
    }

    private bool Fail(BerError error)
    {
        if (Error == BerError.None)
        {
            Error = error;
        }

        return false;
    }
}
