namespace MgmtWatch.Core.Tests.Support;

/// <summary>
/// Builds one TCP connection into a <see cref="PcapBuilder"/>: the three-way handshake, data in either
/// direction cut into segments of a chosen size with consistent sequence numbers, and a FIN exchange.
/// </summary>
public sealed class TcpConversation
{
    private readonly string _client;
    private readonly ushort _clientPort;
    private readonly string _server;
    private readonly ushort _serverPort;
    private uint _clientSeq = 1000;
    private uint _serverSeq = 50000;
    private double _time;

    public TcpConversation(PcapBuilder builder, string client, ushort clientPort, string server, ushort serverPort, double start = 0)
    {
        Builder = builder;
        _client = client;
        _clientPort = clientPort;
        _server = server;
        _serverPort = serverPort;
        _time = start;
    }

    public PcapBuilder Builder { get; }

    private double Tick() => _time += 0.001;

    public TcpConversation Handshake()
    {
        Builder.Add(Tick(), Frames.Tcp(_client, _clientPort, _server, _serverPort, Frames.Syn, _clientSeq++));
        Builder.Add(Tick(), Frames.Tcp(_server, _serverPort, _client, _clientPort, Frames.Syn | Frames.Ack, _serverSeq++, _clientSeq));
        Builder.Add(Tick(), Frames.Tcp(_client, _clientPort, _server, _serverPort, Frames.Ack, _clientSeq, _serverSeq));
        return this;
    }

    /// <summary>Client data in segments of at most <paramref name="segment"/> bytes.</summary>
    public TcpConversation Client(byte[] data, int segment = 1460) => Send(true, data, segment);

    /// <summary>Server data in segments of at most <paramref name="segment"/> bytes.</summary>
    public TcpConversation Server(byte[] data, int segment = 1460) => Send(false, data, segment);

    /// <summary>Client data cut at the given sizes (the last piece takes the rest).</summary>
    public TcpConversation ClientPieces(byte[] data, IReadOnlyList<int> sizes) => Pieces(true, data, sizes);

    public TcpConversation ServerPieces(byte[] data, IReadOnlyList<int> sizes) => Pieces(false, data, sizes);

    public TcpConversation Close()
    {
        Builder.Add(Tick(), Frames.Tcp(_client, _clientPort, _server, _serverPort, Frames.Fin | Frames.Ack, _clientSeq++, _serverSeq));
        Builder.Add(Tick(), Frames.Tcp(_server, _serverPort, _client, _clientPort, Frames.Fin | Frames.Ack, _serverSeq++, _clientSeq));
        Builder.Add(Tick(), Frames.Tcp(_client, _clientPort, _server, _serverPort, Frames.Ack, _clientSeq, _serverSeq));
        return this;
    }

    private TcpConversation Pieces(bool fromClient, byte[] data, IReadOnlyList<int> sizes)
    {
        var offset = 0;
        for (var i = 0; i < sizes.Count && offset < data.Length; i++)
        {
            var n = i == sizes.Count - 1 ? data.Length - offset : Math.Clamp(sizes[i], 1, data.Length - offset);
            Segment(fromClient, data.AsSpan(offset, n).ToArray());
            offset += n;
        }

        if (offset < data.Length)
        {
            Segment(fromClient, data[offset..]);
        }

        return this;
    }

    private TcpConversation Send(bool fromClient, byte[] data, int segment)
    {
        for (var offset = 0; offset < data.Length; offset += segment)
        {
            Segment(fromClient, data.AsSpan(offset, Math.Min(segment, data.Length - offset)).ToArray());
        }

        return this;
    }

    private void Segment(bool fromClient, byte[] payload)
    {
        if (fromClient)
        {
            Builder.Add(Tick(), Frames.Tcp(_client, _clientPort, _server, _serverPort, Frames.Psh | Frames.Ack, _clientSeq, _serverSeq, payload));
            _clientSeq += (uint)payload.Length;
        }
        else
        {
            Builder.Add(Tick(), Frames.Tcp(_server, _serverPort, _client, _clientPort, Frames.Psh | Frames.Ack, _serverSeq, _clientSeq, payload));
            _serverSeq += (uint)payload.Length;
        }
    }
}
