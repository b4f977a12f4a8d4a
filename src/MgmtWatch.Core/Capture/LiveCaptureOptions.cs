namespace MgmtWatch.Core.Capture;

/// <summary>How a live interface is opened.</summary>
public sealed record LiveCaptureOptions
{
    /// <summary>Interface name.</summary>
    public string Interface { get; init; } = "";

    /// <summary>BPF filter (tcpdump syntax), or null for all traffic.</summary>
    public string? Filter { get; init; }

    /// <summary>Bytes captured per packet: libpcap's default maximum, so analyzers see whole packets.</summary>
    public int SnapLength { get; init; } = CaptureFileReader.MaxPacketLength;

    /// <summary>Promiscuous mode (a SPAN or tap port delivers others' traffic; without it the NIC may drop it).</summary>
    public bool Promiscuous { get; init; } = true;

    /// <summary>
    /// Kernel ring buffer. 64 MiB absorbs about half a second of 1 Gbit/s while the analysis thread is busy
    /// (a model reload, a burst of flow ends), where libpcap's 2 MiB default absorbs 16 ms.
    /// </summary>
    public int KernelBufferBytes { get; init; } = 64 << 20;

    /// <summary>
    /// Batches in flight between capture and analysis (1 MiB each): the bounded queue. 64 MiB bridges a
    /// pause of the analysis thread of the same order as the kernel buffer; beyond it, packets are dropped
    /// and counted rather than growing memory without bound.
    /// </summary>
    public int QueueBatches { get; init; } = 64;

    /// <summary>
    /// Longest a packet waits in a partly filled batch while packets keep arriving. A batch is handed on as
    /// soon as the capture ring is empty, so on a quiet network an implant's one beacon packet is analysed
    /// within the kernel's block timeout (<see cref="LiveCapture.ReadTimeoutMs"/>); this bound is for a ring
    /// that never empties but fills batches slowly.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(50);
}
