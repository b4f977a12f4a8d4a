namespace MgmtWatch.Core.Simulation;

/// <summary>
/// The firmware-push attack's reflash of a BMC. The pushed image resets the BMC's configuration, so from
/// <see cref="UpAt"/> on it presents a new web certificate and SSH host key (threats.md §14: many BMCs
/// regenerate their keys when flashed; the site's own updates in the change window keep theirs). The first
/// handshake that shows each is labelled, whoever the client is.
/// </summary>
internal sealed class Reflash(long upAt, LabelPattern certificateShown, LabelPattern hostKeyShown)
{
    /// <summary>When the BMC boots the new image.</summary>
    public long UpAt => upAt;

    public LabelPattern CertificateShown => certificateShown;

    public LabelPattern HostKeyShown => hostKeyShown;

    /// <summary>The certificate made at the first boot, once a client has asked for it.</summary>
    public byte[]? Certificate { get; set; }

    /// <summary>The host key made at the first boot, once a client has asked for it.</summary>
    public byte[]? HostKey { get; set; }
}
