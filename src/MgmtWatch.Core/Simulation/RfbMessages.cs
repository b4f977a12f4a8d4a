using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>RFB (VNC) 3.8 messages (RFC 6143 §7): handshake, initialisation, framebuffer updates, input events.</summary>
internal static class RfbMessages
{
    public static readonly byte[] Version = "RFB 003.008\n"u8.ToArray();

    /// <summary>Security types offered: VNC authentication (2) only, as BMC consoles do.</summary>
    public static readonly byte[] SecurityTypes = [1, 2];

    public static readonly byte[] SecurityResultOk = [0, 0, 0, 0];

    /// <summary>ClientInit: shared flag set (another viewer may stay connected).</summary>
    public static readonly byte[] ClientInit = [1];

    /// <summary>ServerInit (§7.3.2): framebuffer size, 32-bpp true-colour pixel format, desktop name.</summary>
    public static byte[] ServerInit(int width, int height, string name)
    {
        var w = new ByteWriter();
        w.U16(width).U16(height).Bytes(PixelFormat()).U32((uint)name.Length).Ascii(name);
        return w.ToArray();
    }

    /// <summary>SetPixelFormat, SetEncodings (Raw, CopyRect, DesktopSize) and a first full FramebufferUpdateRequest.</summary>
    public static byte[] ClientSetup(int width, int height)
    {
        var w = new ByteWriter();
        w.U8(0).Zeros(3).Bytes(PixelFormat());
        w.U8(2).U8(0).U16(3).U32(0).U32(1).U32(unchecked((uint)-223));
        w.Bytes(UpdateRequest(false, width, height));
        return w.ToArray();
    }

    public static byte[] UpdateRequest(bool incremental, int width, int height)
    {
        var b = new byte[10];
        b[0] = 3;
        b[1] = incremental ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(8), (ushort)height);
        return b;
    }

    /// <summary>KeyEvent (§7.5.4): down or up, an X keysym.</summary>
    public static byte[] KeyEvent(bool down, uint keysym)
    {
        var b = new byte[8];
        b[0] = 4;
        b[1] = down ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), keysym);
        return b;
    }

    /// <summary>PointerEvent (§7.5.5).</summary>
    public static byte[] PointerEvent(byte buttons, int x, int y)
    {
        var b = new byte[6];
        b[0] = 5;
        b[1] = buttons;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)x);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), (ushort)y);
        return b;
    }

    /// <summary>Length of a FramebufferUpdate carrying one Raw rectangle of <paramref name="width"/>×<paramref name="height"/> at 32 bpp.</summary>
    public static long UpdateLength(int width, int height) => 4 + 12 + (4L * width * height);

    private static byte[] PixelFormat() => [32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0];
}
