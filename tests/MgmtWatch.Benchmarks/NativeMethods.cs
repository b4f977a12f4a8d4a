using System.Runtime.InteropServices;

namespace MgmtWatch.Benchmarks;

/// <summary>
/// libpcap's offline reader, the reference every pcap tool is built on, for the throughput benchmark's
/// bare read loop.
/// </summary>
internal static partial class NativeMethods
{
    /// <summary>Debian's libpcap0.8 package (libpcap 1.10): the soname SharpPcap loads too.</summary>
    private const string LibPcap = "libpcap.so.0.8";

    /// <summary>PCAP_ERRBUF_SIZE in pcap/pcap.h.</summary>
    public const int PcapErrorBufferSize = 256;

    /// <summary>Offset of <c>caplen</c> in <c>struct pcap_pkthdr</c> on 64-bit Linux: after a 16-byte <c>struct timeval</c>.</summary>
    public const int PcapHeaderCaptureLength = 16;

    [LibraryImport(LibPcap, EntryPoint = "pcap_open_offline", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr PcapOpenOffline(string path, [Out] byte[] errorBuffer);

    /// <summary>1 with a packet, -2 at the end of the file, -1 on error.</summary>
    [LibraryImport(LibPcap, EntryPoint = "pcap_next_ex")]
    public static partial int PcapNextEx(IntPtr handle, out IntPtr header, out IntPtr data);

    [LibraryImport(LibPcap, EntryPoint = "pcap_close")]
    public static partial void PcapClose(IntPtr handle);
}
