using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// The keys the site's BMCs present: their web servers' self-signed certificates and their SSH host keys,
/// each made once from the BMC's own random stream, so that a site presents the same keys in every capture
/// simulated with its seed (a baseline and the days after it), as real BMCs do until they are reflashed.
/// </summary>
internal static class ServerKeys
{
    /// <summary>
    /// The day certificates are dated back from: fixed, not the capture's start, so that the days simulated
    /// after a baseline present the baseline's certificates.
    /// </summary>
    public static readonly DateTimeOffset Issuance = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The certificate (DER) a BMC's web server presents at <paramref name="time"/>.</summary>
    public static byte[] Certificate(Site site, Bmc bmc, long time)
    {
        if (bmc.Reflash is { } flash && time >= flash.UpAt)
        {
            flash.CertificateShown.ObserveEarliest(time);
            // A certificate the BMC made for itself at its first boot on the new image.
            var boot = SimTime.ToDateTimeOffset(flash.UpAt);
            return flash.Certificate ??= SelfSigned(site, bmc, Stream(site, "cert/", bmc, "/reflash"), new DateTimeOffset(boot.Year, boot.Month, boot.Day, boot.Hour, boot.Minute, boot.Second, TimeSpan.Zero));
        }

        if (bmc.Certificate is null)
        {
            var r = Stream(site, "cert/", bmc, "");
            var issued = Issuance.AddDays(-r.Next(30, 1500));
            issued = new DateTimeOffset(issued.Year, issued.Month, issued.Day, r.Next(24), r.Next(60), r.Next(60), TimeSpan.Zero);
            bmc.Certificate = SelfSigned(site, bmc, r, issued);
        }

        return bmc.Certificate;
    }

    /// <summary>The ed25519 public key a BMC's SSH server presents at <paramref name="time"/>.</summary>
    public static byte[] SshHostKey(Site site, Bmc bmc, long time)
    {
        if (bmc.Reflash is { } flash && time >= flash.UpAt)
        {
            flash.HostKeyShown.ObserveEarliest(time);
            return flash.HostKey ??= Key(Stream(site, "ssh-hostkey/", bmc, "/reflash"));
        }

        return bmc.HostKey ??= Key(Stream(site, "ssh-hostkey/", bmc, ""));
    }

    private static Random Stream(Site site, string kind, Bmc bmc, string epoch) =>
        RandomStreams.Create(site.Seed, kind + bmc.Index.ToString(CultureInfo.InvariantCulture) + epoch);

    private static byte[] SelfSigned(Site site, Bmc bmc, Random r, DateTimeOffset issued) =>
        X509Builder.SelfSigned(r, bmc.CertificateName, bmc.CertificateOrganization, bmc.Vendor == BmcVendor.OpenBmc ? null : bmc.Fqdn(site.Domain), issued, bmc.Vendor == BmcVendor.Supermicro ? 10 : 5);

    private static byte[] Key(Random r)
    {
        var key = new byte[32];
        r.NextBytes(key);
        return key;
    }
}
