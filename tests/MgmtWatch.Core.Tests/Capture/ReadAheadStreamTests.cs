using System.IO.Compression;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Capture;

/// <summary>
/// <see cref="ReadAheadStream"/> over gzip of the repository's two largest captures end to end (7 MB, seven chunks, so
/// the read-ahead thread fills, waits and recycles): the same bytes whether it reads ahead or not, whatever
/// the reader's read sizes; a corrupt stream fails after the same bytes either way (which is what keeps a
/// two-thread run's output the one-thread run's); no more than two threads; an early dispose stops its thread.
/// </summary>
public class ReadAheadStreamTests
{
    private static readonly Lazy<byte[]> Plain = new(() =>
        [.. File.ReadAllBytes(Path.Combine(RepoPaths.Pcaps, "sim-attacks.pcap")), .. File.ReadAllBytes(Path.Combine(RepoPaths.Pcaps, "sim-baseline.pcap"))]);

    private static readonly Lazy<byte[]> Compressed = new(() => Gzipped.Compress(Plain.Value));

    public static TheoryData<bool, int> Reads => new()
    {
        { false, 1 }, { true, 1 }, { false, 4093 }, { true, 4093 }, { false, ReadAheadStream.ChunkSize + 7 }, { true, ReadAheadStream.ChunkSize + 7 },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public void TheBytesAreTheInflatedBytesEitherWay(bool readAhead, int readSize)
    {
        Assert.True(Plain.Value.Length > 6 * ReadAheadStream.ChunkSize, "the input should span several chunks");
        using var stream = new ReadAheadStream(new GZipStream(new MemoryStream(Compressed.Value), CompressionMode.Decompress), readAhead);
        Assert.Equal(readAhead, stream.ReadsAhead);
        var read = ReadToEnd(stream, readSize, out var failure);
        Assert.Null(failure);
        Assert.True(Plain.Value.AsSpan().SequenceEqual(read), $"read {read.Length:N0} bytes, expected {Plain.Value.Length:N0}, first difference at {Plain.Value.AsSpan().CommonPrefixLength(read):N0}");
        Assert.Equal(0, stream.Read(new byte[16])); // and the end stays the end
    }

    [Fact]
    public void ACorruptStreamFailsAfterTheSameBytesEitherWay()
    {
        var damaged = Gzipped.DamagedInTheMiddle(Compressed.Value);
        using var inlineStream = new ReadAheadStream(new GZipStream(new MemoryStream(damaged), CompressionMode.Decompress), readAhead: false);
        using var aheadStream = new ReadAheadStream(new GZipStream(new MemoryStream(damaged), CompressionMode.Decompress), readAhead: true);
        var inline = ReadToEnd(inlineStream, 65_536, out var inlineFailure);
        var ahead = ReadToEnd(aheadStream, 65_536, out var aheadFailure);
        Assert.IsType<InvalidDataException>(inlineFailure);
        Assert.IsType<InvalidDataException>(aheadFailure);
        Assert.InRange(inline.Length, ReadAheadStream.ChunkSize, Plain.Value.Length - 1);
        Assert.True(inline.AsSpan().SequenceEqual(ahead), $"inline gave {inline.Length:N0} bytes before the failure, read ahead {ahead.Length:N0}");
        Assert.True(Plain.Value.AsSpan(0, ReadAheadStream.ChunkSize).SequenceEqual(inline.AsSpan(0, ReadAheadStream.ChunkSize)), "the bytes well before the damage should be the capture's");
        Assert.Throws<InvalidDataException>(() => aheadStream.Read(new byte[16])); // and the failure stays
    }

    [Fact]
    public void AtMostTwoThreadsReadAheadAndTheRestReadInline()
    {
        var streams = Enumerable.Range(0, 3)
            .Select(_ => new ReadAheadStream(new GZipStream(new MemoryStream(Compressed.Value), CompressionMode.Decompress), readAhead: true))
            .ToList();
        try
        {
            Assert.Equal(2, streams.Count(s => s.ReadsAhead));
            foreach (var s in streams)
            {
                Assert.True(Plain.Value.AsSpan().SequenceEqual(ReadToEnd(s, 65_536, out var failure)));
                Assert.Null(failure);
            }
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }

        using var next = new ReadAheadStream(new GZipStream(new MemoryStream(Compressed.Value), CompressionMode.Decompress), readAhead: true);
        Assert.True(next.ReadsAhead, "the threads should be free again once their streams are done");
    }

    [Fact]
    public void DisposingBeforeTheEndStopsTheThread()
    {
        // The thread has filled every chunk and waits for the reader to hand one back when the reader goes.
        for (var i = 0; i < 3; i++)
        {
            var stream = new ReadAheadStream(new GZipStream(new MemoryStream(Compressed.Value), CompressionMode.Decompress), readAhead: true);
            Assert.True(stream.ReadsAhead);
            var start = new byte[100];
            stream.ReadExactly(start);
            Assert.True(Plain.Value.AsSpan().StartsWith(start));
            Thread.Sleep(50);
            stream.Dispose();
            Assert.Throws<ObjectDisposedException>(() => stream.Read(start));
        }

        // Three streams were each given a thread and gave it back, or the third would have read inline.
        using var after = new ReadAheadStream(new GZipStream(new MemoryStream(Compressed.Value), CompressionMode.Decompress), readAhead: true);
        Assert.True(after.ReadsAhead);
    }

    [Fact]
    public void TheCaptureReaderGivesTheSamePacketsAndTheSameErrorEitherWay()
    {
        var intact = Gzipped.Compress(File.ReadAllBytes(Path.Combine(RepoPaths.Pcaps, "sim-attacks.pcap")));
        var damaged = (byte[])intact.Clone();
        damaged[damaged.Length * 2 / 3] ^= 0xFF;
        foreach (var bytes in new[] { intact, damaged })
        {
            var path = TempFiles.Write(bytes, ".pcap.gz");
            var inline = Packets(path, readAhead: false, out var inlineError);
            var ahead = Packets(path, readAhead: true, out var aheadError);
            Assert.True(inline.Count > 5_000, $"{inline.Count} packets");
            Assert.Equal(inline, ahead);
            Assert.Equal(inlineError, aheadError);
            Assert.Equal(bytes == damaged, inlineError is not null);
        }
    }

    private static List<(long Time, int Length, int Hash)> Packets(string path, bool readAhead, out CaptureError? error)
    {
        var packets = new List<(long, int, int)>();
        using var reader = CaptureFileReader.Open(path, 0, out var openError, readAhead)!;
        Assert.Null(openError);
        while (reader.MoveNext())
        {
            var hash = new HashCode();
            hash.AddBytes(reader.Data);
            packets.Add((reader.Current.Timestamp, reader.Data.Length, hash.ToHashCode()));
        }

        error = reader.Error;
        return packets;
    }

    private static byte[] ReadToEnd(Stream stream, int readSize, out Exception? failure)
    {
        using var output = new MemoryStream();
        var buffer = new byte[readSize];
        failure = null;
        try
        {
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
            }
        }
        catch (InvalidDataException e)
        {
            failure = e;
        }

        return output.ToArray();
    }
}
