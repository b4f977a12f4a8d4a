using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    private bool _inRawObject;
    private bool _rawObjectEmpty;

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

    private static JsonWriterOptions Options => new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The output path, "-" for standard output.</summary>
    public string Path { get; }

    /// <summary>Lines written.</summary>
    public long Lines { get; private set; }

    /// <summary>Starts a record: the returned writer is positioned for <c>WriteStartObject</c>.</summary>
    public Utf8JsonWriter Begin() => _json;

    // ---- Raw appends ----
    //
    // Utf8JsonWriter validates, tracks state and (for strings) transcodes and escapes on every call; for
    // the flow records, written twice per flow with some sixty properties, that cost more than building the
    // record. The Append methods copy a property straight into the line instead: `,"name":value`. They are
    // valid only where the writer has written a property (or value) of the object it is in, so the comma is
    // right, and the writer takes up after them as if it had written them (its last token was a value).
    // Names are the callers' ASCII constants. Strings are checked: one that the encoder would change goes
    // through the writer itself, so the bytes are always exactly the writer's.

    /// <summary>Appends <c>,"name":value</c>.</summary>
    public void AppendNumber(ReadOnlySpan<byte> name, long value)
    {
        var line = StartProperty(name, 20, out var at);
        Utf8Formatter.TryFormat(value, line[at..], out var length);
        Commit(at + length);
    }

    /// <inheritdoc cref="AppendNumber(ReadOnlySpan{byte}, long)"/>
    public void AppendNumber(ReadOnlySpan<byte> name, ulong value)
    {
        var line = StartProperty(name, 20, out var at);
        Utf8Formatter.TryFormat(value, line[at..], out var length);
        Commit(at + length);
    }

    /// <summary>Appends <c>,"name":true</c> or <c>false</c>.</summary>
    public void AppendBoolean(ReadOnlySpan<byte> name, bool value) => AppendRawValue(name, value ? "true"u8 : "false"u8);

    /// <summary>Appends <c>,"name":json</c>, where <paramref name="json"/> is a complete JSON value (a number the caller formatted).</summary>
    public void AppendRawValue(ReadOnlySpan<byte> name, ReadOnlySpan<byte> json)
    {
        var line = StartProperty(name, json.Length, out var at);
        json.CopyTo(line[at..]);
        Commit(at + json.Length);
    }

    /// <summary>Appends <c>,"name":"value"</c> for UTF-8 <paramref name="value"/>, escaped exactly as the writer would.</summary>
    public void AppendString(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (IsPlain(value))
        {
            var line = StartProperty(name, value.Length + 2, out var at);
            line[at++] = (byte)'"';
            value.CopyTo(line[at..]);
            at += value.Length;
            line[at++] = (byte)'"';
            Commit(at);
            return;
        }

        WriterFallback().WriteString(name, value);
    }

    /// <summary>Appends <c>,"name":"value"</c>, escaped exactly as the writer would.</summary>
    public void AppendString(ReadOnlySpan<byte> name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!TryAppendPlain(name, [], value))
        {
            WriterFallback().WriteString(name, value);
        }
    }

    /// <summary>
    /// Appends <c>,"name":{</c>: a nested object written with Append calls and closed by
    /// <see cref="AppendObjectEnd"/>. The writer does not know of it, so only values that never need
    /// escaping (numbers, booleans, the callers' constants and formatted times) may go in it.
    /// </summary>
    public void AppendObjectStart(ReadOnlySpan<byte> name)
    {
        var line = StartProperty(name, 1, out var at);
        line[at++] = (byte)'{';
        Commit(at);
        _rawObjectEmpty = true;
        _inRawObject = true;
    }

    /// <summary>Closes the object <see cref="AppendObjectStart"/> opened.</summary>
    public void AppendObjectEnd()
    {
        _buffer.GetSpan(1)[0] = (byte)'}';
        _buffer.Advance(1);
        _inRawObject = false;
        _rawObjectEmpty = false;
    }

    /// <summary>
    /// Appends <paramref name="fields"/> as string properties, each name after <paramref name="namePrefix"/>
    /// (UTF-8), exactly as <c>WriteString(prefix + name, value)</c> would; see the raw appends above.
    /// </summary>
    public void WriteStringProperties(ReadOnlySpan<byte> namePrefix, List<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var (name, value) in fields)
        {
            if (!TryAppendPlain(namePrefix, name, value))
            {
                WriterFallback().WriteString(System.Text.Encoding.UTF8.GetString(namePrefix) + name, value);
            }
        }
    }

    /// <summary>
    /// Starts <c>,"name":</c> in the buffer with room for <paramref name="valueLength"/> bytes after it, which
    /// go at <paramref name="at"/>; <see cref="Commit"/> takes the line up to where they end.
    /// </summary>
    private Span<byte> StartProperty(ReadOnlySpan<byte> name, int valueLength, out int at)
    {
        var line = OpenName(name.Length + 2 + valueLength, out at);
        name.CopyTo(line[at..]);
        at += name.Length;
        line[at++] = (byte)'"';
        line[at++] = (byte)':';
        return line;
    }

    /// <summary>
    /// Opens a property in the buffer: the comma (left out for an appended object's first property) and the
    /// name's opening quote, with room for <paramref name="rest"/> bytes after them, from <paramref name="at"/>.
    /// </summary>
    private Span<byte> OpenName(int rest, out int at)
    {
        // What the writer holds goes to the buffer first, so these bytes follow it.
        _json.Flush();
        var line = _buffer.GetSpan(2 + rest);
        at = 0;
        if (!_rawObjectEmpty)
        {
            line[at++] = (byte)',';
        }

        line[at++] = (byte)'"';
        return line;
    }

    /// <summary>Takes the first <paramref name="length"/> bytes of the property being written into the line.</summary>
    private void Commit(int length)
    {
        _buffer.Advance(length);
        _rawObjectEmpty = false;
    }

    /// <summary>The writer, for a value only it can write; never inside an object it does not know of.</summary>
    private Utf8JsonWriter WriterFallback() => _inRawObject
        ? throw new InvalidOperationException("a value that needs escaping inside an appended object")
        : _json;

    /// <summary>Appends <c>,"prefix+name":"value"</c> when neither needs escaping; otherwise appends nothing.</summary>
    private bool TryAppendPlain(ReadOnlySpan<byte> namePrefix, ReadOnlySpan<char> name, string value)
    {
        var line = OpenName(namePrefix.Length + name.Length + 3 + value.Length + 1, out var at);
        namePrefix.CopyTo(line[at..]);
        at += namePrefix.Length;
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

        at += value.Length;
        line[at++] = (byte)'"';
        Commit(at);
        return true;
    }

    /// <summary>
    /// Copies <paramref name="text"/> as ASCII when every character is printable ASCII other than the two
    /// the encoder escapes (quote and backslash); false (with <paramref name="destination"/> partly
    /// written) otherwise. One pass, eight characters at a time (the last eight overlapping the ones before
    /// when the length is not a multiple), the rest of a short text one by one.
    /// </summary>
    private static bool TryCopyPlain(ReadOnlySpan<char> text, Span<byte> destination)
    {
        if (destination.Length < text.Length)
        {
            return false;
        }

        var i = 0;
        if (Vector128.IsHardwareAccelerated && text.Length >= Vector128<ushort>.Count)
        {
            var units = MemoryMarshal.Cast<char, ushort>(text);
            var last = units.Length - Vector128<ushort>.Count;
            while (true)
            {
                var v = Vector128.Create(units.Slice(i, Vector128<ushort>.Count));
                var printable = Vector128.LessThan(v - Vector128.Create((ushort)0x20), Vector128.Create((ushort)0x5F));
                var escaped = Vector128.Equals(v, Vector128.Create((ushort)'"')) | Vector128.Equals(v, Vector128.Create((ushort)'\\'));
                if (Vector128.AndNot(printable, escaped) != Vector128<ushort>.AllBitsSet)
                {
                    return false;
                }

                // Every unit is below 0x80 now: its low byte is the character.
                Vector128.Narrow(v, v).GetLower().CopyTo(destination.Slice(i, Vector128<ushort>.Count));
                if (i == last)
                {
                    return true;
                }

                i = Math.Min(i + Vector128<ushort>.Count, last);
            }
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsPlain(c))
            {
                return false;
            }

            destination[i] = (byte)c;
        }

        return true;
    }

    private static bool IsPlain(ReadOnlySpan<byte> text) => text.IndexOfAnyExcept(PlainBytes) < 0;

    /// <summary>The bytes <see cref="IsPlain(uint)"/> accepts.</summary>
    private static readonly SearchValues<byte> PlainBytes =
        SearchValues.Create([.. Enumerable.Range(0x20, 0x5F).Where(c => IsPlain((uint)c)).Select(c => (byte)c)]);

    /// <summary>Printable ASCII (0x20 to 0x7E) other than '"' and '\': what the relaxed encoder leaves alone.</summary>
    private static bool IsPlain(uint c) => c - 0x20 < 0x5F && c != '"' && c != '\\';

    /// <summary>Ends the record started with <see cref="Begin"/>.</summary>
    public void End()
    {
        _json.Flush();
        _json.Reset(_buffer);
        _inRawObject = false; // each record starts outside any appended object
        _rawObjectEmpty = false;
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
