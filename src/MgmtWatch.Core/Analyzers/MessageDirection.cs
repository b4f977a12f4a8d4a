namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// One direction of a connection that carries a series of messages (HTTP requests and responses, LDAP
/// operations): its bytes, whether they are still read, and how many messages it has given, which bounds
/// the work a long-lived connection can cause.
/// </summary>
internal sealed class MessageDirection
{
    public HandshakeStream Stream { get; } = new();

    /// <summary>Nothing more is read from this direction.</summary>
    public bool Done { get; set; }

    /// <summary>Messages read so far.</summary>
    public int Messages { get; set; }

    /// <summary>Back to new; the stream's buffer was given back when the flow ended.</summary>
    public void Clear()
    {
        Done = false;
        Messages = 0;
    }
}
