using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>The BMCs' self-signed web certificates, made once per BMC from its own random stream.</summary>
internal static class Certificates
{
    public static byte[] For(Site site, Bmc bmc)
    {
        if (bmc.Certificate is null)
        {
            var r = RandomStreams.Create(site.Seed, "cert/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
            var issued = SimTime.ToDateTimeOffset(site.Start).AddDays(-r.Next(30, 1500));
            issued = new DateTimeOffset(issued.Year, issued.Month, issued.Day, r.Next(24), r.Next(60), r.Next(60), TimeSpan.Zero);
            bmc.Certificate = X509Builder.SelfSigned(r, bmc.CertificateName, bmc.CertificateOrganization, bmc.Vendor == BmcVendor.OpenBmc ? null : bmc.Fqdn(site.Domain), issued, bmc.Vendor == BmcVendor.Supermicro ? 10 : 5);
        }

        return bmc.Certificate;
    }
}
