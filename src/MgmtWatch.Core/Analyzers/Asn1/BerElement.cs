namespace MgmtWatch.Core.Analyzers.Asn1;

/// <summary>One BER element's identifier octet and where its content lies in the message.</summary>
/// <param name="Tag">Identifier octet: class (bits 8–7), constructed (bit 6), tag number (bits 5–1).</param>
/// <param name="Offset">Offset of the first content octet in the message.</param>
/// <param name="Length">Content length, already checked against the enclosing element.</param>
internal readonly record struct BerElement(byte Tag, int Offset, int Length)
{
    /// <summary>True for a constructed encoding (X.690 §8.1.2.5).</summary>
    public bool Constructed => (Tag & BerTag.ConstructedBit) != 0;
}
