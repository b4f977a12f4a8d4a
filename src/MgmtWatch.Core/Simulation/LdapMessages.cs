using System.Formats.Asn1;
using System.Text;

namespace MgmtWatch.Core.Simulation;

/// <summary>LDAPv3 messages in BER (RFC 4511 §4): simple bind, search by uid, result entry, done, unbind.</summary>
internal static class LdapMessages
{

    public static byte[] BindRequest(int id, string dn, string password) => Message(id, w =>
    {
        using (w.PushSequence(new Asn1Tag(TagClass.Application, 0, isConstructed: true)))
        {
            w.WriteInteger(3);
            w.WriteOctetString(Encoding.UTF8.GetBytes(dn));
            w.WriteOctetString(Encoding.UTF8.GetBytes(password), new Asn1Tag(TagClass.ContextSpecific, 0));
        }
    });

    public static byte[] BindResponse(int id) => Result(id, 1, "");

    public static byte[] SearchRequest(int id, string baseDn, string attribute, string value) => Message(id, w =>
    {
        using (w.PushSequence(new Asn1Tag(TagClass.Application, 3, isConstructed: true)))
        {
            w.WriteOctetString(Encoding.UTF8.GetBytes(baseDn));
            Enumerated(w, 2); // scope: wholeSubtree
            Enumerated(w, 0); // derefAliases: never
            w.WriteInteger(0);
            w.WriteInteger(0);
            w.WriteBoolean(false);
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
            {
                w.WriteOctetString(Encoding.UTF8.GetBytes(attribute));
                w.WriteOctetString(Encoding.UTF8.GetBytes(value));
            }

            using (w.PushSequence())
            {
                w.WriteOctetString("memberOf"u8);
                w.WriteOctetString("uid"u8);
            }
        }
    });

    public static byte[] SearchEntry(int id, string dn, string uid, string group) => Message(id, w =>
    {
        using (w.PushSequence(new Asn1Tag(TagClass.Application, 4, isConstructed: true)))
        {
            w.WriteOctetString(Encoding.UTF8.GetBytes(dn));
            using (w.PushSequence())
            {
                Attribute(w, "memberOf", group);
                Attribute(w, "uid", uid);
            }
        }
    });

    public static byte[] SearchDone(int id) => Result(id, 5, "");

    public static byte[] Unbind(int id) => Message(id, w => w.WriteNull(new Asn1Tag(TagClass.Application, 2)));

    /// <summary>A one-byte ENUMERATED (universal tag 10).</summary>
    private static void Enumerated(AsnWriter w, byte value) => w.WriteEncodedValue([0x0A, 0x01, value]);

    private static void Attribute(AsnWriter w, string type, string value)
    {
        using (w.PushSequence())
        {
            w.WriteOctetString(Encoding.UTF8.GetBytes(type));
            using (w.PushSetOf())
            {
                w.WriteOctetString(Encoding.UTF8.GetBytes(value));
            }
        }
    }

    private static byte[] Result(int id, int application, string message) => Message(id, w =>
    {
        using (w.PushSequence(new Asn1Tag(TagClass.Application, application, isConstructed: true)))
        {
            Enumerated(w, 0); // resultCode: success
            w.WriteOctetString([]);
            w.WriteOctetString(Encoding.UTF8.GetBytes(message));
        }
    });

    private static byte[] Message(int id, Action<AsnWriter> op)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        using (w.PushSequence())
        {
            w.WriteInteger(id);
            op(w);
        }

        return w.Encode();
    }
}
