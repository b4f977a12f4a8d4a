using System.Globalization;
using System.Net;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// A CIDR prefix (<c>10.20.0.0/16</c>, <c>2001:db8::/32</c>) held in the 128-bit space of
/// <see cref="HostAddress"/>, where IPv4 is mapped into <c>::ffff:0:0/96</c>: an IPv4 /n is a /(96+n).
/// </summary>
public readonly record struct NetworkPrefix
{
    private const int V4MappedBits = 96;

    private readonly ulong _maskHigh;
    private readonly ulong _maskLow;

    private NetworkPrefix(HostAddress network, int bits, int displayBits)
    {
        Bits = bits;
        DisplayBits = displayBits;
        _maskHigh = bits >= 64 ? ulong.MaxValue : bits == 0 ? 0 : ulong.MaxValue << (64 - bits);
        _maskLow = bits <= 64 ? 0 : bits == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - bits);
        Network = new HostAddress(network.High & _maskHigh, network.Low & _maskLow);
    }

    /// <summary>The network address (host bits zero).</summary>
    public HostAddress Network { get; }

    /// <summary>Prefix length in the 128-bit space.</summary>
    public int Bits { get; }

    /// <summary>Prefix length as written (0–32 for IPv4).</summary>
    public int DisplayBits { get; }

    /// <summary>True when <paramref name="address"/> lies in the prefix.</summary>
    public bool Contains(HostAddress address) =>
        (address.High & _maskHigh) == Network.High && (address.Low & _maskLow) == Network.Low;

    /// <summary>
    /// Parses <c>ADDRESS/LENGTH</c> or a bare address (a host: /32 or /128). Host bits set below the
    /// length (<c>10.1.2.3/8</c>) are refused rather than masked: they are usually a typo.
    /// </summary>
    public static bool TryParse(string? text, out NetworkPrefix prefix, out string? error)
    {
        prefix = default;
        error = null;
        var s = text?.Trim() ?? "";
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? s : s[..slash];
        // IPAddress.TryParse also takes inet_aton's short forms ("10" is 0.0.0.10): require four parts.
        if (!IPAddress.TryParse(addressText, out var ip) || addressText.Contains('%', StringComparison.Ordinal)
            || (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            error = $"'{text}' is not an IP address or CIDR prefix";
            return false;
        }

        var address = HostAddress.FromIPAddress(ip);
        var max = address.IsV4 ? 32 : 128;
        var length = max;
        if (slash >= 0 && (!int.TryParse(s.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > max))
        {
            error = $"'{text}': the prefix length must be 0-{max}";
            return false;
        }

        var bits = address.IsV4 ? V4MappedBits + length : length;
        prefix = new NetworkPrefix(address, bits, length);
        if (prefix.Network != address)
        {
            error = $"'{text}' has host bits set; did you mean {prefix}?";
            prefix = default;
            return false;
        }

        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{DisplayBits}");
}
