using System.IO.Compression;

namespace MgmtWatch.Core.Capture;

/// <summary>
/// Reads one capture file (pcap or pcapng, optionally gzip-compressed) through a single fixed buffer:
/// records are parsed in place and handed out as spans, so reading allocates nothing per packet and
/// nothing sized by what the file claims (a gzip file is inflated in fixed chunks too, see
/// <see cref="ReadAheadStream"/>). Subclasses parse the format; this class owns the buffer, the stream and
/// the error state.
/// </summary>
public abstract class CaptureFileReader : IPacketSource
{
    /// <summary>
    /// Largest packet accepted, libpcap's MAXIMUM_SNAPLEN (pcap-int.h): a record that claims more is
    /// corrupt, and refusing it keeps a hostile length from driving an allocation.
    /// </summary>
    public const int MaxPacketLength = 262_144;

    /// <summary>
    /// Read buffer. Four maximum-size records fit, so compaction (one memmove) is rare; 1 MiB also
    /// amortises the read system call over thousands of small management packets.
    /// </summary>
    private const int BufferSize = 1 << 20;

    private readonly Stream _stream;
    private readonly FileStream _file;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly List<CaptureError> _errors = new(1);
    private int _start;
    private int _end;
    private long _bufferFileOffset;
    private bool _endOfStream;
    private string? _streamError;
    private int _dataStart;
    private int _dataLength;
    private bool _finished;
    private bool _disposed;

    private PacketInfo _info;

    /// <summary>
    /// Creates a reader over an open file; <paramref name="decompress"/> wraps it in gzip, inflated on another
    /// thread if <paramref name="readAhead"/>.
    /// </summary>
    private protected CaptureFileReader(string name, int sourceIndex, FileStream file, bool decompress, bool readAhead)
    {
        Name = name;
        _file = file;
        // Inflated in chunks whether read ahead or not, so a corrupt stream ends at the same byte either way (see ReadAheadStream).
        _stream = decompress
            ? new ReadAheadStream(new GZipStream(file, CompressionMode.Decompress, leaveOpen: false), readAhead, sourcePosition: () => file.Position)
            : file;

        _info.SourceIndex = sourceIndex;
        SourceNames = [name];
    }

    /// <summary>The file name as the user gave it.</summary>
    public string Name { get; }

    /// <summary>Metadata of the current packet; subclasses fill it in <see cref="ReadNext"/>.</summary>
    protected ref PacketInfo Info => ref _info;

    /// <inheritdoc/>
    public ref readonly PacketInfo Current => ref _info;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> Data => _buffer.AsSpan(_dataStart, _dataLength);

    /// <summary>The error that stopped reading, or null when the file was read to its end.</summary>
    public CaptureError? Error => _errors.Count > 0 ? _errors[0] : null;

    /// <inheritdoc/>
    public IReadOnlyList<CaptureError> Errors => _errors;

    /// <inheritdoc/>
    public long BytesConsumed => _disposed ? BytesTotal : _stream is ReadAheadStream inflated ? inflated.SourcePosition : _file.Position;

    /// <inheritdoc/>
    public long BytesTotal { get; private set; }

    /// <inheritdoc/>
    public IReadOnlyList<string> SourceNames { get; }

    /// <summary>Short name of the format, for logs and the summary.</summary>
    public abstract string FormatName { get; }

    /// <inheritdoc/>
    public bool MoveNext()
    {
        if (_finished)
        {
            return false;
        }

        if (ReadNext())
        {
            return true;
        }

        _finished = true;
        return false;
    }

    /// <summary>
    /// Parses the next packet record into <see cref="Info"/> and calls <see cref="SetData"/>. Returns false
    /// at a clean end of file or after calling <see cref="Fail"/>.
    /// </summary>
    protected abstract bool ReadNext();

    /// <summary>Byte offset in the (decompressed) file of the next unconsumed byte.</summary>
    protected long Position => _bufferFileOffset + _start;

    /// <summary>The unconsumed bytes currently buffered.</summary>
    protected ReadOnlySpan<byte> Available => _buffer.AsSpan(_start, _end - _start);

    /// <summary>
    /// Makes at least <paramref name="count"/> bytes available (at most the buffer size) unless the file
    /// ends first; returns how many are available.
    /// </summary>
    protected int Ensure(int count)
    {
        var available = _end - _start;
        if (available >= count || _endOfStream)
        {
            return available;
        }

        if (_buffer.Length - _start < count)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, available);
            _bufferFileOffset += _start;
            _end = available;
            _start = 0;
        }

        while (_end - _start < count && !_endOfStream)
        {
            int read;
            try
            {
                read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            }
            catch (InvalidDataException)
            {
                _streamError = "the gzip data is corrupt";
                read = 0;
            }
            catch (IOException ex)
            {
                _streamError = "read error: " + ex.Message;
                read = 0;
            }

            if (read == 0)
            {
                _endOfStream = true;
            }
            else
            {
                _end += read;
            }
        }

        return _end - _start;
    }

    /// <summary>Consumes <paramref name="count"/> buffered bytes.</summary>
    protected void Advance(int count) => _start += count;

    /// <summary>
    /// Discards <paramref name="count"/> bytes that need not be buffered (an unknown pcapng block of any
    /// size). Returns false if the file ends first.
    /// </summary>
    protected bool Skip(long count)
    {
        while (count > 0)
        {
            var available = Ensure((int)Math.Min(count, _buffer.Length));
            if (available == 0)
            {
                return false;
            }

            var step = (int)Math.Min(available, count);
            _start += step;
            count -= step;
        }

        return true;
    }

    /// <summary>Marks <paramref name="length"/> bytes at <paramref name="offset"/> past the read position as the packet data.</summary>
    protected void SetData(int offset, int length)
    {
        _dataStart = _start + offset;
        _dataLength = length;
        Info.CaptureLength = length;
    }

    /// <summary>True when the file ended with no partial record pending and no read error.</summary>
    protected bool AtCleanEnd => _end == _start && _endOfStream && _streamError is null;

    /// <summary>Records why reading stopped at <paramref name="offset"/>; always returns false.</summary>
    protected bool Fail(long offset, string message)
    {
        _errors.Add(new CaptureError(Name, offset, _streamError ?? message));
        return false;
    }

    /// <summary>
    /// Called when fewer bytes than a record needs remain: a clean end if none remain, else an error
    /// naming what was cut.
    /// </summary>
    protected bool EndOrTruncated(string what)
    {
        if (AtCleanEnd)
        {
            return false;
        }

        return Fail(Position, _streamError ?? $"the file ends inside {what} (cut short?)");
    }

    /// <summary>Opens a capture file, detecting gzip, pcap and pcapng by their magic numbers.</summary>
    /// <param name="path">The file.</param>
    /// <param name="sourceIndex">Its index among the inputs, for <see cref="PacketInfo.SourceIndex"/>.</param>
    /// <param name="error">Why it cannot be read, when it cannot.</param>
    /// <param name="readAhead">Inflate a gzip file on another thread (a run with more than one thread); the packets are the same either way.</param>
    /// <returns>The reader, or null with <paramref name="error"/> set when the file is missing or not a capture.</returns>
    public static CaptureFileReader? Open(string path, int sourceIndex, out CaptureError? error, bool readAhead = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream file;
        try
        {
            // No FileStream buffer: the reader's own buffer is the only copy.
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = new CaptureError(path, -1, ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message);
            return null;
        }

        var size = file.Length;
        Span<byte> magic = stackalloc byte[4];
        var gzip = false;
        var n = file.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (n >= 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            gzip = true;
            file.Position = 0;
            try
            {
                using var probe = new GZipStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096), CompressionMode.Decompress);
                n = probe.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
            }
            catch (InvalidDataException)
            {
                file.Dispose();
                error = new CaptureError(path, 0, "not a capture file: the gzip data is corrupt");
                return null;
            }
        }

        file.Position = 0;
        if (n < 4)
        {
            file.Dispose();
            error = new CaptureError(path, 0, size == 0 ? "the file is empty, not a capture" : "not a capture file: too short for a pcap or pcapng header");
            return null;
        }

        CaptureFileReader? reader = null;
        if (PcapFileReader.IsMagic(magic))
        {
            reader = new PcapFileReader(path, sourceIndex, file, gzip, readAhead);
        }
        else if (PcapNgFileReader.IsMagic(magic))
        {
            reader = new PcapNgFileReader(path, sourceIndex, file, gzip, readAhead);
        }

        if (reader is null)
        {
            file.Dispose();
            error = new CaptureError(path, 0, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"not a pcap or pcapng file (magic bytes {magic[0]:x2} {magic[1]:x2} {magic[2]:x2} {magic[3]:x2})"));
            return null;
        }

        reader.BytesTotal = size;
        if (!reader.ReadHeader())
        {
            error = reader.Error;
            reader.Dispose();
            return null;
        }

        error = null;
        return reader;
    }

    /// <summary>Reads and validates the file header. False (with an error recorded) if it is unusable.</summary>
    private protected abstract bool ReadHeader();

    /// <summary>Releases the file.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the file.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _stream.Dispose();
            _file.Dispose();
        }
    }
}
