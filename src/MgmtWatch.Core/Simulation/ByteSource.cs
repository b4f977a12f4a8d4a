namespace MgmtWatch.Core.Simulation;

/// <summary>The bytes of one message or stream sent over TCP, produced on demand so bulk transfers cost no memory.</summary>
internal abstract class ByteSource
{
    /// <summary>Total bytes on the wire.</summary>
    public abstract long Length { get; }

    /// <summary>Writes bytes [<paramref name="offset"/>, offset + destination.Length) of the stream.</summary>
    public abstract void Fill(Span<byte> destination, long offset);

    public static ByteSource Of(byte[] bytes) => new ArraySource(bytes);

    private sealed class ArraySource(byte[] bytes) : ByteSource
    {
        public override long Length => bytes.Length;

        public override void Fill(Span<byte> destination, long offset) => bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
    }
}
