using System.Text;

namespace MgmtWatch.Core.Analyzers.Http;

/// <summary>What <see cref="HttpMessage.Read"/> found.</summary>
internal enum HttpRead
{
    /// <summary>A complete start line and header block.</summary>
    Complete,

    /// <summary>The header block is not complete yet.</summary>
    NeedMore,

    /// <summary>Not an HTTP message start (another protocol, or a capture that began mid-stream).</summary>
    NotHttp,

    /// <summary>Looks like HTTP but breaks its grammar (RFC 9112 §3, §4, §5).</summary>
    Invalid,

    /// <summary>The header block is longer than the analyzer reads.</summary>
    TooLong,
}

/// <summary>
/// The start line and header fields of one HTTP/1.x message (RFC 9112), read in place from the stream's
/// bytes. Only the fields the analyzer uses are kept; spans point into the bytes given to
/// <see cref="Read"/> and are valid until they change.
/// </summary>
internal ref struct HttpMessage
{
    /// <summary>
    /// Header block read at most: Apache and nginx refuse more than 8 KiB per line by default, and a BMC's
    /// web server far less; a longer block is a violation or an attack on the server.
    /// </summary>
    public const int MaxHeaderBlock = 8 * 1024;

    /// <summary>Header fields read at most (Apache's LimitRequestFields is 100).</summary>
    public const int MaxFields = 100;

    public ReadOnlySpan<byte> Method;
    public ReadOnlySpan<byte> Target;
    public int Status;
    public ReadOnlySpan<byte> Host;
    public ReadOnlySpan<byte> UserAgent;
    public ReadOnlySpan<byte> Server;
    public ReadOnlySpan<byte> Authorization;
    public ReadOnlySpan<byte> ProxyAuthorization;
    public ReadOnlySpan<byte> Connection;

    /// <summary>Whether the request carries a Redfish session token (X-Auth-Token, DSP0266 §13.3.4); its value is not kept.</summary>
    public bool SessionToken;

    public long ContentLength;
    public bool Chunked;
    public bool TooManyFields;

    /// <summary>Bytes of the start line and header block, blank line included.</summary>
    public int HeaderLength;

    /// <summary>
    /// Reads a request (<paramref name="request"/>) or a response from the start of <paramref name="data"/>.
    /// </summary>
    public HttpRead Read(ReadOnlySpan<byte> data, bool request)
    {
        this = default;
        ContentLength = -1;
        var lineEnd = data.IndexOf((byte)'\n');
        if (lineEnd < 0)
        {
            if (!LooksLikeStart(data, request))
            {
                return HttpRead.NotHttp;
            }

            return data.Length > MaxHeaderBlock ? HttpRead.TooLong : HttpRead.NeedMore;
        }

        var startLine = TrimCr(data[..lineEnd]);
        if (!LooksLikeStart(startLine, request))
        {
            return HttpRead.NotHttp;
        }

        if (!(request ? ReadRequestLine(startLine) : ReadStatusLine(startLine)))
        {
            return HttpRead.Invalid;
        }

        // Header fields up to the empty line.
        var pos = lineEnd + 1;
        var fields = 0;
        while (true)
        {
            if (pos > MaxHeaderBlock)
            {
                return HttpRead.TooLong;
            }

            var next = data[pos..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return data.Length > MaxHeaderBlock ? HttpRead.TooLong : HttpRead.NeedMore;
            }

            var line = TrimCr(data.Slice(pos, next));
            pos += next + 1;
            if (line.IsEmpty)
            {
                HeaderLength = pos;
                return HttpRead.Complete;
            }

            if (++fields > MaxFields)
            {
                TooManyFields = true;
                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                // RFC 9112 §5.2 obsolete line folding, or garbage: not a field we read.
                continue;
            }

            var name = line[..colon];
            var value = Trim(line[(colon + 1)..]);
            if (Ascii.EqualsIgnoreCase(name, "host"u8))
            {
                Host = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "user-agent"u8))
            {
                UserAgent = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "server"u8))
            {
                Server = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "authorization"u8))
            {
                Authorization = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "proxy-authorization"u8))
            {
                ProxyAuthorization = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                Connection = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "x-auth-token"u8))
            {
                SessionToken = !value.IsEmpty;
            }
            else if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                ContentLength = ParseLength(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                Chunked = !value.IsEmpty;
            }
        }
    }

    private bool ReadRequestLine(ReadOnlySpan<byte> line)
    {
        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
        var sp1 = line.IndexOf((byte)' ');
        var sp2 = line.LastIndexOf((byte)' ');
        if (sp1 <= 0 || sp2 <= sp1 + 1 || !IsVersion(line[(sp2 + 1)..]))
        {
            return false;
        }

        Method = line[..sp1];
        Target = line[(sp1 + 1)..sp2];
        return Target.IndexOf((byte)' ') < 0;
    }

    private bool ReadStatusLine(ReadOnlySpan<byte> line)
    {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
        if (line.Length < 12 || !IsVersion(line[..8]) || line[8] != ' ')
        {
            return false;
        }

        var code = line.Slice(9, 3);
        foreach (var c in code)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        Status = ((code[0] - '0') * 100) + ((code[1] - '0') * 10) + (code[2] - '0');
        return line.Length == 12 || line[12] == ' ';
    }

    /// <summary>
    /// Whether a line begins like an HTTP start line: a method token and a space (request), or "HTTP/"
    /// (response). Anything else is another protocol and is left alone without complaint.
    /// </summary>
    public static bool LooksLikeStart(ReadOnlySpan<byte> line, bool request)
    {
        if (!request)
        {
            return line.Length < 5 ? "HTTP/"u8.StartsWith(line) : line.StartsWith("HTTP/"u8);
        }

        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == ' ')
            {
                return i > 0;
            }

            // A method is a token (RFC 9110 §9.1); real ones are upper-case letters, '-' and '_' (M-SEARCH).
            if (i >= 20 || !(c is (>= (byte)'A' and <= (byte)'Z') or (byte)'-' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsVersion(ReadOnlySpan<byte> v) =>
        v.Length == 8 && v.StartsWith("HTTP/"u8) && v[5] is >= (byte)'0' and <= (byte)'9' && v[6] == '.' && v[7] is >= (byte)'0' and <= (byte)'9';

    private static long ParseLength(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > 15)
        {
            return -2; // absent digits or beyond any real body: treated as unknown
        }

        long n = 0;
        foreach (var c in value)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return -2;
            }

            n = (n * 10) + (c - '0');
        }

        return n;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> value) => value.Trim(" \t"u8);
}
