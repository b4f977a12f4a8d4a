using System.Globalization;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Features;

/// <summary>
/// The features read from what the protocol analyzers wrote on a flow. Volumes and timing say that a flow
/// is unusual; these say what kind of unusual matters on a management network (a tunnel's DNS labels, a
/// cipher-suite-0 login, an unanswered community), so the model can tell a rare but harmless poll from a
/// rare and harmful one. Every value is zero on flows the analyzer did not recognise.
/// </summary>
internal static class ProtocolFeatures
{
    /// <summary>Fills the protocol features of <paramref name="features"/> from <paramref name="flow"/>'s fields.</summary>
    public static void Extract(FlowRecord flow, Span<float> features)
    {
        var tls = false;
        var sni = false;
        foreach (var (name, value) in flow.Fields)
        {
            switch (name)
            {
                case "dns.max_label_len":
                    // Ordinary host names use short labels; encoders fill them towards the 63-byte limit.
                    features[FeatureSchema.DnsLabelLength] = Math.Min(1f, Number(value) / 63f);
                    break;
                case "dns.label_entropy":
                    features[FeatureSchema.DnsLabelEntropy] = Math.Min(8f, Number(value));
                    break;
                case "dns.qtype" when value is "TXT" or "NULL" or "ANY" or "CNAME" or "MX":
                    features[FeatureSchema.DnsRareType] = 1;
                    break;
                case "ipmi.cipher_suite" when value == "0":
                case "ipmi.auth_type" when value is "none" or "password":
                    features[FeatureSchema.IpmiWeakSession] = 1;
                    break;
                case "ipmi.rakp2_without_rakp3":
                    features[FeatureSchema.IpmiIncompleteLogins] = Log(Number(value));
                    break;
                case "ipmi.cleartext_commands":
                    features[FeatureSchema.IpmiCleartextCommands] = Log(Number(value));
                    break;
                case "snmp.unanswered_requests":
                    features[FeatureSchema.SnmpUnanswered] = Log(Number(value));
                    break;
                case "snmp.set_requests":
                    features[FeatureSchema.SnmpSets] = Log(Number(value));
                    break;
                case "tls.ja3":
                    // A fingerprint means the analyzer saw a ClientHello.
                    tls = true;
                    break;
                case "tls.sni":
                    sni = true;
                    break;
                case "kvm.kind":
                    features[FeatureSchema.KvmSession] = 1;
                    break;
                case "http.auth_scheme":
                    // The HTTP analyzer only sees requests sent in clear.
                    features[FeatureSchema.HttpCleartextAuth] = 1;
                    break;
            }
        }

        features[FeatureSchema.TlsNoSni] = tls && !sni ? 1 : 0;
    }

    private static float Number(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value) ? Math.Max(0, value) : 0;

    private static float Log(double value) => (float)Math.Log(1 + Math.Max(0, value));
}
