using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using SharpPcap;
using SharpPcap.LibPcap;

namespace MgmtWatch.Core.Capture;

/// <summary>
/// Captures from a live interface with libpcap (SharpPcap's <c>GetNextPacketPointers</c>, which avoids an
/// object per packet) on a dedicated thread, copying packets into recycled <see cref="PacketBatch"/>es that
/// reach the analysis thread through a bounded channel. When analysis falls behind and every batch is in
/// use, packets are dropped and counted: memory stays fixed and the loss is visible in the metrics.
/// </summary>
/// <remarks>
/// The handle is read in non-blocking mode, waiting in poll() with a timeout when the ring is empty. With
/// TPACKET_V3 (what libpcap uses on Linux 3.19 and later unless immediate mode is asked for) a blocking read
/// never times out: libpcap polls with no timeout and relies on the kernel retiring a block, which happens
/// only once a packet has arrived (libpcap's pcap-linux.c set_poll_timeout). A blocking capture thread on a
/// quiet link would therefore hold its last partial batch, stop reading statistics and ignore
/// <see cref="Stop"/> until the next packet came. A batch is handed on as soon as the ring is empty, so a
/// lone packet waits at most the kernel's block timeout (<see cref="ReadTimeoutMs"/>) before analysis.
/// </remarks>
public sealed class LiveCapture : IDisposable
{
    /// <summary>
    /// libpcap's read timeout, which for TPACKET_V3 becomes the kernel's block retire timeout
    /// (tp_retire_blk_tov): the longest a packet waits in a partly filled ring block. Also how long the
    /// capture thread waits in poll() on an empty ring before it checks for stop and reads statistics.
    /// </summary>
    public const int ReadTimeoutMs = 20;

    /// <summary>Longest the capture thread goes on reading after <see cref="Stop"/> when the ring never empties (a flood).</summary>
    private static readonly TimeSpan StopDrain = TimeSpan.FromSeconds(1);

    private readonly PollingDevice _device;
    private readonly LiveCaptureOptions _options;
    private readonly Channel<PacketBatch> _ready;
    private readonly ConcurrentQueue<PacketBatch> _free = new();
    private readonly long _flushTicks;
    private Thread? _thread;
    private volatile bool _stopping;
    private long _stopDeadline;
    private long _captured;
    private long _pipelineDrops;
    private long _kernelReceived;
    private long _kernelDropped;
    private long _interfaceDropped;
    private uint _lastReceived;
    private uint _lastDropped;
    private uint _lastInterfaceDropped;

    private LiveCapture(PollingDevice device, LiveCaptureOptions options)
    {
        _device = device;
        _options = options;
        _ready = Channel.CreateBounded<PacketBatch>(new BoundedChannelOptions(options.QueueBatches)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        for (var i = 0; i < options.QueueBatches; i++)
        {
            _free.Enqueue(new PacketBatch());
        }

        _flushTicks = (long)(options.FlushInterval.TotalSeconds * Stopwatch.Frequency);
        LinkType = (LinkType)(int)device.LinkType;
    }

    /// <summary>The interface's link type.</summary>
    public LinkType LinkType { get; }

    /// <summary>The interface name.</summary>
    public string Interface => _options.Interface;

    /// <summary>Batches ready for analysis; completed when capture stops.</summary>
    public ChannelReader<PacketBatch> Batches => _ready.Reader;

    /// <summary>Packets copied into batches.</summary>
    public long Captured => Interlocked.Read(ref _captured);

    /// <summary>Packets dropped because analysis had every batch (our own queue was full).</summary>
    public long PipelineDrops => Interlocked.Read(ref _pipelineDrops);

    /// <summary>Packets the kernel delivered to the socket (libpcap ps_recv), as a 64-bit total.</summary>
    public long KernelReceived => Interlocked.Read(ref _kernelReceived);

    /// <summary>Packets the kernel dropped for lack of buffer space (libpcap ps_drop).</summary>
    public long KernelDropped => Interlocked.Read(ref _kernelDropped);

    /// <summary>Packets the interface dropped (libpcap ps_ifdrop; Linux's libpcap always reports 0).</summary>
    public long InterfaceDropped => Interlocked.Read(ref _interfaceDropped);

    /// <summary>Opens the interface; throws <see cref="CaptureOpenException"/> with an actionable message.</summary>
    public static LiveCapture Open(LiveCaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IntPtr.Size != 8 || !OperatingSystem.IsLinux())
        {
            throw new CaptureOpenException("live capture is supported on 64-bit Linux");
        }

        IReadOnlyList<LibPcapLiveDevice> devices;
        try
        {
            devices = LibPcapLiveDeviceList.Instance;
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new CaptureOpenException("libpcap is not installed: install it (Debian/Ubuntu: apt-get install libpcap0.8; RHEL: dnf install libpcap)", ex)
            {
                Failure = CaptureFailure.LibpcapMissing,
            };
        }

        var listed = devices.FirstOrDefault(d => d.Name == options.Interface);
        if (listed is null)
        {
            var names = devices.Select(d => d.Name).Where(n => n is not ("any" or "nflog" or "nfqueue" or "dbus-system" or "dbus-session")).Order(StringComparer.Ordinal);
            throw new CaptureOpenException($"no interface '{options.Interface}'; interfaces here: {string.Join(", ", names)}")
            {
                Failure = CaptureFailure.NoSuchInterface,
            };
        }

        var device = new PollingDevice(listed.Interface ?? throw new CaptureOpenException($"cannot open {options.Interface}: libpcap lists it without details"));
        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = options.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                Snaplen = options.SnapLength,
                ReadTimeout = ReadTimeoutMs,
                BufferSize = options.KernelBufferBytes, // pcap_set_buffer_size (KernelBufferSize is WinPcap's pcap_setbuff)
            });
            device.NonBlockingMode = true; // see the remarks: the thread waits in poll() itself
        }
        catch (Exception ex) when (ex is PcapException or PlatformNotSupportedException)
        {
            var denied = ex.Message.Contains("permitted", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("permission", StringComparison.OrdinalIgnoreCase);
            throw new CaptureOpenException(
                denied
                    ? $"not allowed to capture on {options.Interface}: MgmtWatch needs CAP_NET_RAW (promiscuous mode needs nothing more): run it under the shipped systemd unit, or {GrantHint()}"
                    : $"cannot open {options.Interface}: {ex.Message}",
                ex)
            {
                Failure = denied ? CaptureFailure.Permission : CaptureFailure.Other,
            };
        }

        if (!string.IsNullOrWhiteSpace(options.Filter))
        {
            try
            {
                device.Filter = options.Filter;
            }
            catch (PcapException ex)
            {
                device.Close();
                throw new CaptureOpenException($"invalid capture filter '{options.Filter}': {ex.Message}", ex) { Failure = CaptureFailure.BadFilter };
            }
        }

        return new LiveCapture(device, options);
    }

    /// <summary>
    /// How to grant the capabilities to this program: file capabilities on the published executable. Under
    /// the shared <c>dotnet</c> host they would have to go on that host, for every .NET program, so the
    /// hint points at the published executable instead.
    /// </summary>
    private static string GrantHint()
    {
        var self = Environment.ProcessPath;
        return self is null || Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? "grant it to the published executable: setcap cap_net_raw=eip /opt/mgmtwatch/mgmtwatch (see the README, \"Live monitoring\")"
            : $"grant it: setcap cap_net_raw=eip {self}";
    }

    /// <summary>Starts the capture thread.</summary>
    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "mgmtwatch-capture", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>
    /// Stops capturing: what the kernel has already handed over is still read (for at most
    /// <see cref="StopDrain"/> under a flood); batches already captured stay readable until the channel drains.
    /// </summary>
    public void Stop()
    {
        Interlocked.Exchange(ref _stopDeadline, Stopwatch.GetTimestamp() + (long)(StopDrain.TotalSeconds * Stopwatch.Frequency));
        _stopping = true;
        _thread?.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>Returns a processed batch for reuse.</summary>
    public void Return(PacketBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.Clear();
        _free.Enqueue(batch);
    }

    private void Run()
    {
        PacketBatch? batch = null;
        var header = IntPtr.Zero;
        var data = IntPtr.Zero;
        var lastStats = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                var status = _device.GetNextPacketPointers(ref header, ref data);
                if (status == 1)
                {
                    Add(ref batch, header, data);
                }
                else if (status == 0)
                {
                    // The ring is empty: holding a partial batch would only delay its packets.
                    if (batch is { Count: > 0 })
                    {
                        Publish(batch);
                        batch = null;
                    }

                    if (_stopping)
                    {
                        break; // everything the kernel had handed over has been read
                    }

                    _device.WaitForPackets(ReadTimeoutMs);
                }
                else
                {
                    break; // error: stop and let analysis drain
                }

                var now = Stopwatch.GetTimestamp();
                if (_stopping && now > Interlocked.Read(ref _stopDeadline))
                {
                    break;
                }

                if (batch is { Count: > 0 } && now - batch.Opened >= _flushTicks)
                {
                    Publish(batch); // a ring that never empties still delivers within the flush interval
                    batch = null;
                }

                if (now - lastStats >= Stopwatch.Frequency)
                {
                    lastStats = now;
                    ReadStatistics();
                }
            }
        }
        finally
        {
            if (batch is { Count: > 0 })
            {
                Publish(batch);
            }

            ReadStatistics();
            _ready.Writer.TryComplete();
        }
    }

    private void Add(ref PacketBatch? batch, IntPtr header, IntPtr data)
    {
        // struct pcap_pkthdr on 64-bit Linux: struct timeval { long tv_sec; long tv_usec; }, bpf_u_int32 caplen, len.
        var seconds = Marshal.ReadInt64(header, 0);
        var micros = Marshal.ReadInt64(header, 8);
        var captured = Math.Min(Marshal.ReadInt32(header, 16), PacketBatch.BufferSize);
        var wire = Marshal.ReadInt32(header, 20);
        var timestamp = (seconds * 1_000_000_000) + (micros * 1000);
        if (batch is not null && !batch.TryAdd(timestamp, data, captured, wire))
        {
            Publish(batch);
            batch = null;
        }

        if (batch is null && !_free.TryDequeue(out batch))
        {
            Interlocked.Increment(ref _pipelineDrops);
            return;
        }

        if (batch.Count == 0)
        {
            batch.TryAdd(timestamp, data, captured, wire); // an empty batch holds any packet up to BufferSize
        }

        Interlocked.Increment(ref _captured);
    }

    private void Publish(PacketBatch batch)
    {
        // The channel holds as many batches as exist, so a write can never find it full.
        _ready.Writer.TryWrite(batch);
    }

    private void ReadStatistics()
    {
        try
        {
            var s = _device.Statistics;

            // libpcap's counters are 32-bit and wrap; add the difference modulo 2^32 (STYLE §5).
            Interlocked.Add(ref _kernelReceived, unchecked(s.ReceivedPackets - _lastReceived));
            Interlocked.Add(ref _kernelDropped, unchecked(s.DroppedPackets - _lastDropped));
            Interlocked.Add(ref _interfaceDropped, unchecked(s.InterfaceDroppedPackets - _lastInterfaceDropped));
            _lastReceived = s.ReceivedPackets;
            _lastDropped = s.DroppedPackets;
            _lastInterfaceDropped = s.InterfaceDroppedPackets;
        }
        catch (PcapException)
        {
            // Statistics are best effort; capture goes on.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        _device.Close();
    }

    /// <summary>A live device whose capture thread can wait for the ring with a timeout (SharpPcap's poll on pcap_get_selectable_fd).</summary>
    private sealed class PollingDevice(PcapInterface pcapInterface) : LibPcapLiveDevice(pcapInterface)
    {
        /// <summary>Waits until the ring has a packet for us or <paramref name="timeoutMs"/> passes.</summary>
        public void WaitForPackets(int timeoutMs) => PollFileDescriptor(timeoutMs);
    }
}
