using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Analyzers.Ssh;

/// <summary>
/// SSH (RFC 4253): the identification strings of client and server (software and version), then each
/// side's SSH_MSG_KEXINIT for HASSH and the algorithms the session will use, and the server's host key from
/// its key exchange reply (its fingerprint as <c>ssh-keygen -l</c> prints it: a BMC whose firmware is
/// reflashed usually makes itself new host keys); after that the flow is no longer inspected (the rest is
/// encrypted). BMCs serve SSH on 22 (SMASH-CLP, SOL) and OpenBMC's
/// serial-over-LAN console on 2200.
/// </summary>
public sealed class SshAnalyzer : IProtocolAnalyzer
{
    /// <summary>
    /// RFC 4253 §4.2: the identification line is at most 255 characters including CR LF.
    /// </summary>
    private const int MaxBannerLine = 255;

    /// <summary>
    /// Lines a server may send before its identification (RFC 4253 §4.2) that we read at most; real servers
    /// send none or a few, and a stream of lines without "SSH-" is not SSH.
    /// </summary>
    private const int MaxPreBannerLines = 16;

    /// <summary>RFC 4253 §6.1: packets up to 35,000 bytes must be accepted; more is a protocol violation.</summary>
    private const int MaxPacketLength = 35000;

    /// <summary>
    /// A direction's banner and KEXINIT: real KEXINITs are 1–2 KiB (OpenSSH 9 with post-quantum and
    /// certificate algorithms), so 8 KiB holds them with room; a larger one is skipped, not buffered.
    /// </summary>
    private const int BufferCapacity = 8 * 1024;

    /// <summary>SSH handshakes in progress at once that can borrow a buffer (bounds memory under a flood: 4 MiB).</summary>
    private const int MaxBuffers = 512;

    /// <summary>Server packets after its KEXINIT read at most for the reply (a group exchange sends its group first).</summary>
    private const int MaxKexPackets = 4;

    /// <summary>SSH_MSG_NEWKEYS (RFC 4253 §7.3): what follows is encrypted.</summary>
    private const byte NewKeys = 21;

    /// <summary>SSH_MSG_KEXDH_REPLY and SSH_MSG_KEX_ECDH_REPLY (RFC 4253 §8, RFC 5656 §4); also SSH_MSG_KEX_DH_GEX_GROUP.</summary>
    private const byte KexReply = 31;

    /// <summary>SSH_MSG_KEX_DH_GEX_REPLY (RFC 4419 §3).</summary>
    private const byte GexReply = 33;

    private readonly FlowStates<State> _states = new();
    private readonly StreamBufferPool _pool = new(BufferCapacity, MaxBuffers);
    private readonly SshKexInit _kexInit = new();

    /// <inheritdoc/>
    public string Name => "ssh";

    /// <summary>22 (RFC 4253), 2200 (OpenBMC's SSH to the host serial console, obmc-console).</summary>
    public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Tcp, 22), new(IpProtocol.Tcp, 2200)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet) =>
        packet.Protocol == IpProtocol.Tcp && TryReadIdentification(packet.Payload, out _, out _, out _);

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = _states.Get(packet.Flow);
        var side = packet.FromOriginator ? state.Client : state.Server;
        if (side.Stream.Offer(packet, _pool, buffered: true, out var data, out var inPlace))
        {
            var consumed = Read(data, side, state, packet, context);
            if (side.Stream.Settle(side.Phase == Phase.Done, inPlace, consumed, _pool))
            {
                side.Phase = Phase.Done;
            }
        }

        if (state.Client.Stream.Finished && state.Server.Stream.Finished)
        {
            context.StopInspecting(packet);
        }
    }

    /// <summary>Reads what the direction's bytes allow; returns the bytes used up.</summary>
    private int Read(ReadOnlySpan<byte> data, Side side, State state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var used = 0;
        while (side.Phase == Phase.Banner)
        {
            var newline = data[used..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (data.Length - used > MaxBannerLine)
                {
                    // Only a line that claims to be an identification is a violation; other bytes (a capture
                    // that began mid-session, another protocol on the port) are simply not followed.
                    if (data[used..].StartsWith("SSH-"u8))
                    {
                        context.Anomaly(Name, "SSH_BANNER_TOO_LONG", packet);
                    }

                    side.Phase = Phase.Done;
                }

                return used;
            }

            var line = data.Slice(used, newline + 1);
            used += newline + 1;
            if (!line.StartsWith("SSH-"u8))
            {
                if (++side.PreBannerLines > MaxPreBannerLines)
                {
                    side.Phase = Phase.Done;
                }

                continue;
            }

            if (!TryReadIdentification(line, out var version, out var software, out var lineTooLong))
            {
                context.Anomaly(Name, "SSH_BAD_IDENTIFICATION", packet);
                side.Phase = Phase.Done;
                break;
            }

            context.Confirm(packet);
            if (lineTooLong)
            {
                context.Anomaly(Name, "SSH_BANNER_TOO_LONG", packet);
            }

            side.Version = version;
            side.Software = software;

            // SSH-1 (protocol "1.x" other than 1.99) has no KEXINIT.
            side.Phase = version.StartsWith("1.", StringComparison.Ordinal) && version != "1.99" ? Phase.Done : Phase.KexInit;
        }

        if (side.Phase == Phase.KexInit)
        {
            var framing = ReadPacket(data[used..], out var payload, out var size);
            if (framing == Framing.Bad)
            {
                context.Anomaly(Name, "SSH_BAD_PACKET_LENGTH", packet);
                side.Phase = Phase.Done;
                return used;
            }

            if (framing == Framing.NeedMore)
            {
                // Not all here yet; a KEXINIT larger than the buffer is given up by the caller (Stalled).
                return used;
            }

            if (payload.Length > 0 && payload[0] == SshKexInit.MessageNumber)
            {
                if (_kexInit.Parse(payload))
                {
                    side.Hassh = packet.FromOriginator ? _kexInit.ClientHassh() : _kexInit.ServerHassh();
                    side.Kex = _kexInit.Kex;
                    side.HostKey = _kexInit.HostKey;
                    side.Encryption = packet.FromOriginator ? _kexInit.EncryptionClientToServer : _kexInit.EncryptionServerToClient;
                    side.Mac = packet.FromOriginator ? _kexInit.MacClientToServer : _kexInit.MacServerToClient;
                    side.Compression = packet.FromOriginator ? _kexInit.CompressionClientToServer : _kexInit.CompressionServerToClient;
                }
                else
                {
                    context.Anomaly(Name, "SSH_MALFORMED_KEXINIT", packet);
                }
            }

            // The server's host key comes in its reply to the client's key exchange message.
            side.Phase = packet.FromOriginator ? Phase.Done : Phase.KexReply;
            used += size;
        }

        while (side.Phase == Phase.KexReply)
        {
            // Encrypted bytes may follow a reply this capture missed: a bad length here ends the search quietly.
            if (side.KexPackets == MaxKexPackets)
            {
                side.Phase = Phase.Done;
                return used;
            }

            var framing = ReadPacket(data[used..], out var payload, out var size);
            if (framing == Framing.NeedMore)
            {
                return used; // the rest of the packet is in a later segment
            }

            if (framing == Framing.Bad || payload.IsEmpty)
            {
                side.Phase = Phase.Done;
                return used;
            }

            side.KexPackets++;
            used += size;
            if (payload[0] == NewKeys)
            {
                side.Phase = Phase.Done;
            }
            else if (payload[0] is KexReply or GexReply && SshHostKey.TryFingerprint(payload[1..], out var fingerprint))
            {
                side.HostKeyFingerprint = fingerprint;
                side.Phase = Phase.Done;
            }
        }

        return used;
    }

    /// <summary>
    /// The unencrypted binary packet (RFC 4253 §6) at the start of <paramref name="data"/>: its payload without
    /// the padding, and the bytes it takes. <see cref="Framing.Bad"/> for a length no packet may have.
    /// </summary>
    private static Framing ReadPacket(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> payload, out int size)
    {
        payload = default;
        size = 0;
        var r = new ByteReader(data);
        if (!r.TryU32(out var packetLength) || !r.TryU8(out var padding))
        {
            return Framing.NeedMore;
        }

        if (packetLength > MaxPacketLength || padding + 1 > packetLength)
        {
            return Framing.Bad;
        }

        if (!r.TryBytes((int)packetLength - 1, out var body))
        {
            return Framing.NeedMore;
        }

        payload = body[..(body.Length - padding)];
        size = 4 + (int)packetLength;
        return Framing.Whole;
    }

    /// <summary>
    /// Reads an identification line "SSH-protoversion-softwareversion [SP comments] CR LF" (RFC 4253 §4.2)
    /// at the start of <paramref name="line"/>. The protocol version is digits '.' digits and ends at the
    /// first '-'; the rest of the line (software version and comments) comes back escaped and capped.
    /// </summary>
    private static bool TryReadIdentification(ReadOnlySpan<byte> line, out string version, out string software, out bool tooLong)
    {
        version = "";
        software = "";
        tooLong = false;
        if (!line.StartsWith("SSH-"u8))
        {
            return false;
        }

        var rest = line[4..];
        var dash = rest.IndexOf((byte)'-');
        if (dash is < 3 or > 8)
        {
            return false;
        }

        var proto = rest[..dash];
        var dot = proto.IndexOf((byte)'.');
        if (dot < 1 || dot == proto.Length - 1)
        {
            return false;
        }

        foreach (var b in proto)
        {
            if (b != '.' && b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        var end = line.IndexOf((byte)'\n');
        var text = rest[(dash + 1)..];
        if (end >= 0)
        {
            text = line[(4 + dash + 1)..end];
            tooLong = end + 1 > MaxBannerLine;
        }

        if (text.Length > 0 && text[^1] == '\r')
        {
            text = text[..^1];
        }

        if (text.IsEmpty)
        {
            return false;
        }

        version = System.Text.Encoding.ASCII.GetString(proto);
        software = WireText.Escape(text, MaxBannerLine);
        return true;
    }

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var state = _states.Find(flow);
        if (state is null)
        {
            return;
        }

        Side client = state.Client, server = state.Server;
        if (client.Version is not null || server.Version is not null)
        {
            // Zeek's ssh.log "version": 2 when both ends speak SSH-2 (1.99 means both), else 1.
            var two = IsTwo(client.Version) && IsTwo(server.Version);
            fields.Add(new("ssh.version", two ? "2" : "1"));
        }

        fields.AddIfSet("ssh.client", client.Software);
        fields.AddIfSet("ssh.server", server.Software);
        fields.AddIfSet("ssh.hassh", client.Hassh);
        fields.AddIfSet("ssh.hassh_server", server.Hassh);
        fields.AddIfSet("ssh.host_key_fingerprint", server.HostKeyFingerprint);
        if (client.Kex is not null && server.Kex is not null)
        {
            // RFC 4253 §7.1: the client's first algorithm that the server also offers.
            fields.AddIfSet("ssh.kex_alg", SshKexInit.Negotiate(client.Kex, server.Kex));
            fields.AddIfSet("ssh.host_key_alg", SshKexInit.Negotiate(client.HostKey!, server.HostKey!));
            fields.AddIfSet("ssh.cipher_alg", SshKexInit.Negotiate(client.Encryption!, server.Encryption!));
            fields.AddIfSet("ssh.mac_alg", SshKexInit.Negotiate(client.Mac!, server.Mac!));
            fields.AddIfSet("ssh.compression_alg", SshKexInit.Negotiate(client.Compression!, server.Compression!));
        }

        if (final)
        {
            client.Stream.Reset(_pool);
            server.Stream.Reset(_pool);
            _states.Release(flow);
        }
    }

    private static bool IsTwo(string? version) => version is null || version.StartsWith("2.", StringComparison.Ordinal) || version == "1.99";

    private enum Framing : byte
    {
        NeedMore,
        Bad,
        Whole,
    }

    private enum Phase : byte
    {
        Banner,
        KexInit,
        KexReply,
        Done,
    }

    private sealed class Side
    {
        public HandshakeStream Stream { get; } = new();

        public Phase Phase { get; set; }

        public int PreBannerLines { get; set; }

        public string? Version { get; set; }

        public string? Software { get; set; }

        public string? Hassh { get; set; }

        public string? Kex { get; set; }

        public string? HostKey { get; set; }

        public string? Encryption { get; set; }

        public string? Mac { get; set; }

        public string? Compression { get; set; }

        public int KexPackets { get; set; }

        public string? HostKeyFingerprint { get; set; }

        public void Clear()
        {
            Phase = Phase.Banner;
            PreBannerLines = 0;
            KexPackets = 0;
            Version = Software = Hassh = Kex = HostKey = Encryption = Mac = Compression = HostKeyFingerprint = null;
        }
    }

    private sealed class State : IResettable
    {
        public Side Client { get; } = new();

        public Side Server { get; } = new();

        public void Reset()
        {
            Client.Clear();
            Server.Clear();
        }
    }
}
