using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>The BMCs' self-signed web certificates, made once per BMC from its own random stream.</summary>
internal static class Certificates
{
    /// <summary>
    /// The day certificates are dated back from: fixed, not the capture's start, so that a site's BMCs present
    /// the same certificates in every capture simulated with its seed (a baseline and the days after it), as
    /// real BMCs do until they are reflashed.
    /// </summary>
    public static readonly DateTimeOffset Issuance = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] For(Site site, Bmc bmc)
    {
        if (bmc.Certificate is null)
        {
            var r = RandomStreams.Create(site.Seed, "cert/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
            var issued = Issuance.AddDays(-r.Next(30, 1500));
            issued = new DateTimeOffset(issued.Year, issued.Month, issued.Day, r.Next(24), r.Next(60), r.Next(60), TimeSpan.Zero);
            bmc.Certificate = X509Builder.SelfSigned(r, bmc.CertificateName, bmc.CertificateOrganization, bmc.Vendor == BmcVendor.OpenBmc ? null : bmc.Fqdn(site.Domain), issued, bmc.Vendor == BmcVendor.Supermicro ? 10 : 5);
        }

        return bmc.Certificate;
    }
}
