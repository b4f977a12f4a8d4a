using System.Formats.Asn1;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A syntactically valid X.509 v3 certificate in DER (RFC 5280 §4.1) with a random RSA-2048 modulus and
/// signature: what a BMC's self-signed web certificate looks like to a passive observer (subject, issuer,
/// validity, key size, SAN). No key exists behind it; nothing verifies it.
/// </summary>
internal static class X509Builder
{
    private const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    private const string RsaEncryption = "1.2.840.113549.1.1.1";

    public static byte[] SelfSigned(Random r, string commonName, string organization, string? dnsName, DateTimeOffset notBefore, int years)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            using (w.PushSequence())
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    w.WriteInteger(2); // v3
                }

                var serial = new byte[16];
                r.NextBytes(serial);
                serial[0] &= 0x7F;
                serial[0] |= 0x01;
                w.WriteInteger(serial);
                Algorithm(w, Sha256WithRsa);
                Name(w, commonName, organization);
                using (w.PushSequence())
                {
                    w.WriteUtcTime(notBefore);
                    w.WriteUtcTime(notBefore.AddYears(years));
                }

                Name(w, commonName, organization);
                using (w.PushSequence())
                {
                    Algorithm(w, RsaEncryption);
                    var key = new AsnWriter(AsnEncodingRules.DER);
                    using (key.PushSequence())
                    {
                        var modulus = new byte[257];
                        r.NextBytes(modulus);
                        modulus[0] = 0;
                        modulus[1] |= 0x80;
                        key.WriteInteger(modulus);
                        key.WriteInteger(65537);
                    }

                    w.WriteBitString(key.Encode());
                }

                if (dnsName is not null)
                {
                    using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
                    {
                        using (w.PushSequence())
                        {
                            using (w.PushSequence())
                            {
                                w.WriteObjectIdentifier("2.5.29.17"); // subjectAltName
                                var san = new AsnWriter(AsnEncodingRules.DER);
                                using (san.PushSequence())
                                {
                                    san.WriteCharacterString(UniversalTagNumber.IA5String, dnsName, new Asn1Tag(TagClass.ContextSpecific, 2));
                                }

                                w.WriteOctetString(san.Encode());
                            }
                        }
                    }
                }
            }

            Algorithm(w, Sha256WithRsa);
            var signature = new byte[256];
            r.NextBytes(signature);
            w.WriteBitString(signature);
        }

        return w.Encode();
    }

    private static void Algorithm(AsnWriter w, string oid)
    {
        using (w.PushSequence())
        {
            w.WriteObjectIdentifier(oid);
            w.WriteNull();
        }
    }

    private static void Name(AsnWriter w, string commonName, string organization)
    {
        using (w.PushSequence())
        {
            Rdn(w, "2.5.4.6", "US", UniversalTagNumber.PrintableString);
            Rdn(w, "2.5.4.10", organization, UniversalTagNumber.UTF8String);
            Rdn(w, "2.5.4.3", commonName, UniversalTagNumber.UTF8String);
        }
    }

    private static void Rdn(AsnWriter w, string oid, string value, UniversalTagNumber type)
    {
        using (w.PushSetOf())
        {
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier(oid);
                w.WriteCharacterString(type, value);
            }
        }
    }
}
