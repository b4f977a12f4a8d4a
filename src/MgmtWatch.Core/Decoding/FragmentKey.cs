namespace MgmtWatch.Core.Decoding;

/// <summary>Identifies the datagram a fragment belongs to (RFC 791 §3.2; RFC 8200 §4.5).</summary>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
/// <param name="Identification">IPv4 identification (16 bits) or IPv6 fragment identification (32 bits).</param>
/// <param name="Protocol">Transport protocol (IPv4) or next header after the fragment header (IPv6).</param>
internal readonly record struct FragmentKey(HostAddress Source, HostAddress Destination, uint Identification, byte Protocol);
