namespace MgmtWatch.Core.Decoding;

/// <summary>TCP header flag bits (RFC 9293 §3.1).</summary>
public static class TcpFlags
{
    /// <summary>No more data from sender.</summary>
    public const byte Fin = 0x01;

    /// <summary>Synchronize sequence numbers.</summary>
    public const byte Syn = 0x02;

    /// <summary>Reset the connection.</summary>
    public const byte Rst = 0x04;

    /// <summary>Push function.</summary>
    public const byte Psh = 0x08;

    /// <summary>Acknowledgment field significant.</summary>
    public const byte Ack = 0x10;

    /// <summary>Urgent pointer field significant.</summary>
    public const byte Urg = 0x20;
}
