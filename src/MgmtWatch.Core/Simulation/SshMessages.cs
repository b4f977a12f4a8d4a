namespace MgmtWatch.Core.Simulation;

/// <summary>SSH transport messages up to NEWKEYS (RFC 4253 §4.2, §6, §7; RFC 8731 curve25519; RFC 8709 ed25519).</summary>
internal static class SshMessages
{
    public static byte[] Banner(string version) => System.Text.Encoding.ASCII.GetBytes(version + "\r\n");

    /// <summary>SSH_MSG_KEXINIT with the name-lists of an OpenSSH, dropbear or mpSSH peer.</summary>
    public static byte[] KexInit(Random r, bool client, string software)
    {
        var openssh = software.Contains("OpenSSH", StringComparison.Ordinal);
        var kex = client
            ? "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256,ext-info-c"
            : openssh ? "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256" : "curve25519-sha256,diffie-hellman-group14-sha256";
        var hostKey = openssh || client ? "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256" : "ssh-ed25519,rsa-sha2-256";
        var cipher = openssh || client ? "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com" : "aes128-ctr,aes256-ctr";
        var mac = "hmac-sha2-256-etm@openssh.com,hmac-sha2-256,hmac-sha1";
        var w = new ByteWriter();
        w.U8(20).Random(r, 16);
        foreach (var list in new[] { kex, hostKey, cipher, cipher, mac, mac, "none,zlib@openssh.com", "none,zlib@openssh.com", "", "" })
        {
            w.U32((uint)list.Length).Ascii(list);
        }

        w.U8(0).U32(0);
        return Packet(r, w.ToArray());
    }

    /// <summary>SSH_MSG_KEX_ECDH_INIT with a 32-byte curve25519 public key.</summary>
    public static byte[] EcdhInit(Random r) => Packet(r, new ByteWriter().U8(30).U32(32).Random(r, 32).ToArray());

    /// <summary>SSH_MSG_KEX_ECDH_REPLY: ed25519 host key blob, server key, ed25519 signature blob.</summary>
    public static byte[] EcdhReply(Random r, byte[] hostKey)
    {
        var w = new ByteWriter().U8(31);
        w.U32(4 + 11 + 4 + 32).U32(11).Ascii("ssh-ed25519").U32(32).Bytes(hostKey);
        w.U32(32).Random(r, 32);
        w.U32(4 + 11 + 4 + 64).U32(11).Ascii("ssh-ed25519").U32(64).Random(r, 64);
        return Packet(r, w.ToArray());
    }

    public static byte[] NewKeys(Random r) => Packet(r, [21]);

    /// <summary>Length of an encrypted packet carrying <paramref name="payload"/> bytes (chacha20-poly1305: 4 + padded + 16).</summary>
    public static int EncryptedLength(int payload)
    {
        var body = 1 + payload;
        var padded = ((body + 4 + 7) / 8 * 8) - 4;
        if (padded - body < 4)
        {
            padded += 8;
        }

        return 4 + padded + 16;
    }

    /// <summary>An unencrypted binary packet: length, padding length, payload, random padding to a multiple of 8.</summary>
    private static byte[] Packet(Random r, byte[] payload)
    {
        var padding = 8 - ((5 + payload.Length) % 8);
        if (padding < 4)
        {
            padding += 8;
        }

        var w = new ByteWriter();
        w.U32((uint)(1 + payload.Length + padding)).U8(padding).Bytes(payload).Random(r, padding);
        return w.ToArray();
    }
}
