using System.Buffers.Binary;
using System.Globalization;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Analyzers.Dhcp;

/// <summary>
/// DHCP and BOOTP on UDP 67/68: message types in the order first seen, client MAC, requested and
/// assigned addresses, host name, vendor class (BMCs often name themselves there: "iDRAC", "HPE iLO",
/// "udhcp" on OpenBMC) and lease time. A BMC's lease acquisition after a reboot is part of the reboot
/// pattern the model learns (threats.md §14).
/// </summary>
public sealed class DhcpAnalyzer : IProtocolAnalyzer
{
    /// <summary>Host name and vendor class are cut after this many octets in the flow record (options hold at most 255).</summary>
    public const int MaxTextChars = 128;

    private static readonly string[] MessageTypeNames =
    [
        "", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM", "FORCERENEW", "LEASEQUERY",
        "LEASEUNASSIGNED", "LEASEUNKNOWN", "LEASEACTIVE", "BULKLEASEQUERY", "LEASEQUERYDONE", "ACTIVELEASEQUERY",
        "LEASEQUERYSTATUS", "TLS",
    ];

    private readonly FlowStates<State> _states = new();

    /// <inheritdoc/>
    public string Name => "dhcp";

    /// <inheritdoc/>
    public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Udp, 67), new(IpProtocol.Udp, 68)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet)
    {
        // Off its ports (a relay on an odd port, a lab): an Ethernet BOOTP message with the magic cookie and
        // a valid DHCP message type. The cookie alone is four fixed bytes at offset 236.
        var m = packet.Payload;
        if (packet.Protocol != IpProtocol.Udp || m.Length < DhcpParser.FixedLength + 4 || m[1] != 1 || m[2] != 6
            || BinaryPrimitives.ReadUInt32BigEndian(m[DhcpParser.FixedLength..]) != DhcpParser.MagicCookie)
        {
            return false;
        }

        return DhcpParser.Parse(m, packet.PayloadLength, out var d) is null && d.MessageType != 0;
    }

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var payload = packet.Payload;
        var violation = DhcpParser.Parse(payload, packet.PayloadLength, out var m);
        if (violation is not null)
        {
            context.Anomaly(Name, violation, packet);
        }

        if (!m.HasHeader)
        {
            return;
        }

        context.Confirm(packet);
        var s = _states.Get(packet.Flow);
        s.Messages++;
        if (m.MessageType != 0 && s.TypeCount < s.Types.Length && s.Types.AsSpan(0, s.TypeCount).IndexOf(m.MessageType) < 0)
        {
            s.Types[s.TypeCount++] = m.MessageType;
        }

        if (m.ClientMac != 0 && s.ClientMac == 0)
        {
            s.ClientMac = m.ClientMac;
        }

        if (m.RequestedAddress != 0 && s.RequestedAddress == 0)
        {
            s.RequestedAddress = m.RequestedAddress;
        }

        if (m.Op == 2 && m.YourAddress != 0 && m.MessageType is 0 or 5)
        {
            s.AssignedAddress = m.YourAddress; // BOOTREPLY or DHCPACK
        }

        if (m.LeaseTime is { } lease)
        {
            s.LeaseTime = lease;
        }

        if (m.HostName.Length > 0 && s.HostName is null)
        {
            s.HostName = Text(payload.Slice(m.HostName.Offset, m.HostName.Length));
        }

        if (m.VendorClass.Length > 0 && s.VendorClass is null)
        {
            s.VendorClass = Text(payload.Slice(m.VendorClass.Offset, m.VendorClass.Length));
        }
    }

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var s = _states.Find(flow);
        if (s is not null && s.Messages > 0)
        {
            if (s.TypeCount > 0)
            {
                var names = new string[s.TypeCount];
                for (var i = 0; i < s.TypeCount; i++)
                {
                    names[i] = MessageTypeNames[s.Types[i]];
                }

                fields.Add(new("dhcp.msg_types", string.Join(',', names)));
            }
            else
            {
                fields.Add(new("dhcp.msg_types", "BOOTP"));
            }

            if (s.ClientMac != 0)
            {
                fields.Add(new("dhcp.client_mac", Mac(s.ClientMac)));
            }

            if (s.RequestedAddress != 0)
            {
                fields.Add(new("dhcp.requested_addr", HostAddress.FromV4(s.RequestedAddress).ToString()));
            }

            if (s.AssignedAddress != 0)
            {
                fields.Add(new("dhcp.assigned_addr", HostAddress.FromV4(s.AssignedAddress).ToString()));
            }

            if (s.HostName is not null)
            {
                fields.Add(new("dhcp.hostname", s.HostName));
            }

            if (s.VendorClass is not null)
            {
                fields.Add(new("dhcp.vendor_class", s.VendorClass));
            }

            if (s.LeaseTime is { } lease)
            {
                fields.Add(new("dhcp.lease_time", lease.ToString(CultureInfo.InvariantCulture)));
            }
        }

        if (final)
        {
            _states.Release(flow);
        }
    }

    /// <summary>
    /// Option text for output: trailing NULs dropped (some clients terminate C-style), then escaped and cut
    /// by <see cref="WireText.Escape"/> (printable ASCII as is, any other octet and the backslash as <c>\xHH</c>,
    /// as Zeek writes them) from at most <see cref="MaxTextChars"/> octets.
    /// </summary>
    internal static string Text(ReadOnlySpan<byte> value) => WireText.Escape(value.TrimEnd((byte)0), MaxTextChars);

    private static string Mac(ulong mac) => string.Create(17, mac, static (span, value) =>
    {
        for (var i = 0; i < 6; i++)
        {
            var b = (byte)(value >> (40 - (8 * i)));
            var at = i * 3;
            span[at] = ToHex(b >> 4);
            span[at + 1] = ToHex(b & 0xF);
            if (i < 5)
            {
                span[at + 2] = ':';
            }
        }
    });

    private static char ToHex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private sealed class State : IResettable
    {
        public readonly byte[] Types = new byte[DhcpParser.MaxMessageType];
        public int TypeCount;
        public int Messages;
        public ulong ClientMac;
        public uint RequestedAddress;
        public uint AssignedAddress;
        public uint? LeaseTime;
        public string? HostName;
        public string? VendorClass;

        public void Reset()
        {
            TypeCount = 0;
            Messages = 0;
            ClientMac = 0;
            RequestedAddress = AssignedAddress = 0;
            LeaseTime = null;
            HostName = VendorClass = null;
        }
    }
}
