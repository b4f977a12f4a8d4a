using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MgmtWatch.Core.Output;

/// <summary>
/// Writes JSON Lines (one object per line, <c>\n</c>) to a file or standard output through one reusable
/// <see cref="Utf8JsonWriter"/>. Records accumulate in memory and reach the stream in 64 KiB writes.
/// </summary>
/// <remarks>
/// The encoder escapes quotes, backslashes and every control character (so nothing from the wire can break
/// a line or put an escape sequence on a terminal) but not '+' or non-ASCII: the "relaxed" encoder's only
/// relaxation is HTML-safety, which JSON Lines do not need, and without it timestamps read
/// <c>+0000</c> and Community IDs keep their '+' exactly as Suricata writes them.
/// </remarks>
public sealed class JsonLinesWriter : IDisposable
{
    /// <summary>Bytes gathered before a write system call: large enough to amortise it, small enough to keep latency low.</summary>
    private const int FlushThreshold = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _json;
    private readonly bool _ownsStream;
    private Stream _stream;
    private bool _brokenLine;

    /// <summary>Writes to <paramref name="path"/>, or to standard output when it is "-".</summary>
    public JsonLinesWriter(string path, bool append = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        if (path == "-")
        {
            _stream = Console.OpenStandardOutput();
            _ownsStream = false;
        }
        else
        {
            _stream = OpenFile(path, append);
            _ownsStream = true;
        }

        _json = new Utf8JsonWriter(_buffer, Options);
    }

    /// <summary>Writes to a caller-owned stream (tests).</summary>
    public JsonLinesWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Path = "(stream)";
        _stream = stream;
        _json = new Utf8JsonWriter(_buffer, Options);
    }

    private static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static JsonWriterOptions Options => new() { Encoder = Encoder };

    /// <summary>The output path, "-" for standard output.</summary>
    public string Path { get; }

    /// <summary>Lines written.</summary>
    public long Lines { get; private set; }

    /// <summary>Starts a record: the returned writer is positioned for <c>WriteStartObject</c>.</summary>
    public Utf8JsonWriter Begin() => _json;

    /// <summary>
    /// Appends <paramref name="fields"/> as string properties, each name after <paramref name="namePrefix"/>
    /// (UTF-8), to the object the writer is in, which must already hold a property. The bytes are exactly
    /// what <c>WriteString(prefix + name, value)</c> writes; a field whose name and value are printable ASCII
    /// that the encoder leaves alone (nearly every analyzer field) is copied straight into the line instead
    /// of going through the writer's per-call validation, transcoding and escaping, which cost more than all
    /// the rest of the EVE flow event and the flow log record together. Any other field goes through the
    /// writer itself.
    /// </summary>
    public void WriteStringProperties(ReadOnlySpan<byte> namePrefix, List<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            return;
        }

        // What the writer holds goes to the buffer first; it takes up again after these bytes, and as the
        // last thing it wrote was a value inside the object, its next token (the object's end, or a comma and
        // another property) is still right.
        _json.Flush();
        foreach (var (name, value) in fields)
        {
            if (!TryAppendPlain(namePrefix, name, value))
            {
                _json.WriteString(System.Text.Encoding.UTF8.GetString(namePrefix) + name, value);
                _json.Flush();
            }
        }
    }

    /// <summary>Appends <c>,"prefix+name":"value"</c> when neither needs escaping; otherwise appends nothing.</summary>
    private bool TryAppendPlain(ReadOnlySpan<byte> namePrefix, string name, string value)
    {
        var length = 2 + namePrefix.Length + name.Length + 3 + value.Length + 1;
        var line = _buffer.GetSpan(length);
        ",\""u8.CopyTo(line);
        namePrefix.CopyTo(line[2..]);
        var at = 2 + namePrefix.Length;
        if (!TryCopyPlain(name, line.Slice(at, name.Length)))
        {
            return false;
        }

        at += name.Length;
        "\":\""u8.CopyTo(line[at..]);
        at += 3;
        if (!TryCopyPlain(value, line.Slice(at, value.Length)))
        {
            return false;
        }

        line[at + value.Length] = (byte)'"';
        _buffer.Advance(length);
        return true;
    }

    private static bool TryCopyPlain(string text, Span<byte> destination) =>
        System.Text.Ascii.FromUtf16(text, destination, out _) == OperationStatus.Done &&
        Encoder.FindFirstCharacterToEncodeUtf8(destination) < 0;

    /// <summary>Ends the record started with <see cref="Begin"/>.</summary>
    public void End()
    {
        _json.Flush();
        _json.Reset(_buffer);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        Lines++;
        if (_buffer.WrittenCount >= FlushThreshold)
        {
            WriteOut();
        }
    }

    /// <summary>Writes a raw line (used for TSV).</summary>
    public void WriteLine(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(_buffer.GetSpan(utf8.Length + 1));
        _buffer.Advance(utf8.Length);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        Lines++;
        if (_buffer.WrittenCount >= FlushThreshold)
        {
            WriteOut();
        }
    }

    /// <summary>Writes everything buffered to the stream and flushes it.</summary>
    public void Flush()
    {
        WriteOut();
        _stream.Flush();
    }

    /// <summary>Closes and reopens the file (after logrotate moved it); no-op for standard output.</summary>
    public void Reopen()
    {
        if (!_ownsStream)
        {
            return;
        }

        Flush();
        _stream.Dispose();
        _stream = OpenFile(Path, append: true);
        _brokenLine = false; // a broken line belonged to the file that was rotated away
    }

    private void WriteOut()
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        var before = -1L;
        try
        {
            if (_brokenLine)
            {
                _stream.Write("\n"u8);
                _brokenLine = false;
            }

            before = _stream.CanSeek ? _stream.Position : -1;
            _stream.Write(_buffer.WrittenSpan);
        }
        catch (IOException)
        {
            // A full disk takes what fits: the file now ends inside a record, and the next record appended
            // after the disk is freed would share its line and break both for every reader. Cut the file back
            // to its last complete line; where that cannot be done (a pipe, or truncation fails too), end the
            // broken line before the next write so that every later line parses.
            if (before < 0 || !TryTruncate(before))
            {
                _brokenLine = true;
            }

            throw;
        }
        finally
        {
            // Whatever happened, the buffer must not grow without bound (a full disk on a sensor).
            _buffer.ResetWrittenCount();
        }
    }

    private bool TryTruncate(long length)
    {
        try
        {
            _stream.SetLength(length);
            _stream.Position = length;
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static FileStream OpenFile(string path, bool append)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Flush();
        }
        finally
        {
            _json.Dispose();
            if (_ownsStream)
            {
                _stream.Dispose();
            }
        }
    }
}
