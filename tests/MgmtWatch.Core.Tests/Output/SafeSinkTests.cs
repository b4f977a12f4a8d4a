using System.Text;
using System.Text.Json;
using MgmtWatch.Core.Output;
using Microsoft.Extensions.Logging;

namespace MgmtWatch.Core.Tests.Output;

/// <summary>
/// A failing output (full disk) must not stop the sensor, must be logged and counted, and must leave its
/// file readable: these drive the real writers over a stream that runs out of space as a full file system does.
/// </summary>
public class SafeSinkTests
{
    private static FlowRecord Flow()
    {
        var r = new FlowRecord { Start = 1_790_000_000_000_000_000, End = 1_790_000_001_000_000_000, ConnState = "SF", Protocol = 17, IpVersion = 4 };
        r.Fields.Add(new("ntp.modes", "client,server"));
        return r;
    }

    [Fact]
    public void FirstFailureIsLoggedAndEveryOneCounted()
    {
        var log = new CollectingLogger();
        var disk = new FullDiskStream(capacity: 300);
        var safe = new SafeSink(new FlowLogSink(new JsonLinesWriter(disk)), "flow log test", log, "flows");
        for (var i = 0; i < 5; i++)
        {
            safe.Emit(Flow());
            safe.Flush();
        }

        Assert.True(safe.Failures >= 3, $"{safe.Failures} failures");
        var message = Assert.Single(log.Messages); // the first failure at once, the rest within the minute not again
        Assert.Contains("Writing flow log test failed", message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteCutShortByAFullDiskLeavesOnlyWholeLinesAndWritingResumes()
    {
        var disk = new FullDiskStream(capacity: 700);
        var writer = new JsonLinesWriter(disk);
        var safe = new SafeSink(new FlowLogSink(writer), "flow log", new CollectingLogger(), "flows");
        for (var i = 0; i < 6; i++)
        {
            safe.Emit(Flow());
            safe.Flush();
        }

        Assert.True(safe.Failures > 0);
        Assert.EndsWith("\n", disk.Text, StringComparison.Ordinal); // cut back to the last whole line

        disk.Capacity = long.MaxValue; // space is freed
        safe.Emit(Flow());
        safe.Flush();
        var lines = disk.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 2);
        Assert.All(lines, l => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(l).RootElement.ValueKind));
    }

    [Fact]
    public void UntruncatableOutputGetsItsBrokenLineEnded()
    {
        var disk = new FullDiskStream(capacity: 500) { Truncatable = false };
        var safe = new SafeSink(new FlowLogSink(new JsonLinesWriter(disk)), "pipe", new CollectingLogger(), "flows");
        for (var i = 0; i < 4; i++)
        {
            safe.Emit(Flow());
            safe.Flush();
        }

        disk.Capacity = long.MaxValue;
        safe.Emit(Flow());
        safe.Flush();
        // The broken record keeps its line (a pipe cannot be cut back), but the record after it has its own.
        var lines = disk.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(lines[^1]).RootElement.ValueKind);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(lines[0]).RootElement.ValueKind);
    }

    /// <summary>A seekable stream that, like a full file system, takes what fits and then fails with ENOSPC.</summary>
    private sealed class FullDiskStream(long capacity) : Stream
    {
        private readonly MemoryStream _data = new();

        public long Capacity { get; set; } = capacity;

        public bool Truncatable { get; init; } = true;

        public string Text => Encoding.UTF8.GetString(_data.ToArray());

        public override bool CanRead => false;

        public override bool CanSeek => Truncatable;

        public override bool CanWrite => true;

        public override long Length => _data.Length;

        public override long Position { get => _data.Position; set => _data.Position = value; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var room = (int)Math.Max(0, Math.Min(buffer.Length, Capacity - _data.Position));
            _data.Write(buffer[..room]);
            if (room < buffer.Length)
            {
                throw new IOException("No space left on device");
            }
        }

        public override void SetLength(long value)
        {
            if (!Truncatable)
            {
                throw new NotSupportedException();
            }

            _data.SetLength(value);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => _data.Seek(offset, origin);
    }

    private sealed class CollectingLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
