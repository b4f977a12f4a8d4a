namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// An IPMI LAN message (IPMI v2.0 §13.8; ipmi-wire.md §4), as carried in an IPMI v1.5 session wrapper or
/// an unencrypted RMCP+ payload of type 0:
/// request <c>rsAddr | netFn&lt;&lt;2|rsLUN | chk1 | rqAddr | rqSeq&lt;&lt;2|rqLUN | cmd | data | chk2</c>,
/// response <c>rqAddr | netFn&lt;&lt;2|rqLUN | chk1 | rsAddr | rqSeq&lt;&lt;2|rsLUN | cmd | completion code | data | chk2</c>.
/// A response has the odd netFn of its request (§5.1). A view over the message bytes: nothing is copied.
/// </summary>
internal readonly ref struct IpmiLanMessage
{
    private IpmiLanMessage(byte netFn, byte command, bool isResponse, byte completionCode, bool checksumsValid, ReadOnlySpan<byte> data)
    {
        NetFn = netFn;
        Command = command;
        IsResponse = isResponse;
        CompletionCode = completionCode;
        ChecksumsValid = checksumsValid;
        Data = data;
    }

    /// <summary>The request's (even) network function, also for a response.</summary>
    public byte NetFn { get; }

    /// <summary>Command number.</summary>
    public byte Command { get; }

    /// <summary>True for a response (odd netFn on the wire).</summary>
    public bool IsResponse { get; }

    /// <summary>Completion code of a response (0 = normal); 0 for a request.</summary>
    public byte CompletionCode { get; }

    /// <summary>True when both header checksums hold (two's complement: the covered bytes sum to 0 mod 256).</summary>
    public bool ChecksumsValid { get; }

    /// <summary>Request or response data, without the completion code and the trailing checksum.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>
    /// Parses <paramref name="message"/> (exactly the message, as delimited by the session header's length).
    /// Returns false when it is shorter than a request or than a response's fixed part.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out IpmiLanMessage parsed)
    {
        parsed = default;
        if (message.Length < Rmcp.LanMessageMinimum)
        {
            return false;
        }

        var netFn = (byte)(message[1] >> 2);
        var isResponse = (netFn & 1) != 0;
        if (isResponse && message.Length < Rmcp.LanMessageMinimum + 1)
        {
            return false; // a response needs its completion code
        }

        var valid = (byte)(message[0] + message[1] + message[2]) == 0 && Sum(message[3..]) == 0;
        var body = message[6..^1];
        var completion = (byte)0;
        if (isResponse)
        {
            completion = body[0];
            body = body[1..];
        }

        parsed = new IpmiLanMessage((byte)(netFn & 0x3E), message[5], isResponse, completion, valid, body);
        return true;
    }

    private static byte Sum(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        foreach (var b in bytes)
        {
            sum += b;
        }

        return (byte)sum;
    }
}
