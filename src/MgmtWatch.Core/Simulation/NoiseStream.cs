namespace MgmtWatch.Core.Simulation;

/// <summary>Opaque bytes of a given length: encrypted SSH packets, a vendor protocol's binary stream.</summary>
internal sealed class NoiseStream(long length, long salt) : ByteSource
{
    public override long Length => length;

    public override void Fill(Span<byte> destination, long offset) => NoisePool.Fill(destination, offset + salt);
}
