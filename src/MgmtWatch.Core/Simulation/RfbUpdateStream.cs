using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// One FramebufferUpdate message (RFC 6143 §7.6.1) with a single Raw rectangle, produced on demand:
/// header, rectangle header, then pixel noise standing in for screen content.
/// </summary>
internal sealed class RfbUpdateStream(int x, int y, int width, int height, long salt) : ByteSource
{
    public override long Length { get; } = RfbMessages.UpdateLength(width, height);

    public override void Fill(Span<byte> destination, long offset)
    {
        Span<byte> header = stackalloc byte[16];
        header[0] = 0;
        header[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], (ushort)x);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)y);
        BinaryPrimitives.WriteUInt16BigEndian(header[8..], (ushort)width);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], (ushort)height);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], 0); // Raw encoding
        var done = 0;
        if (offset < 16)
        {
            var n = (int)Math.Min(16 - offset, destination.Length);
            header.Slice((int)offset, n).CopyTo(destination);
            done = n;
        }

        if (done < destination.Length)
        {
            NoisePool.Fill(destination[done..], offset + done + salt);
        }
    }
}
