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
public sealed class LiveCapture : IDisposable
{
    private readonly LibPcapLiveDevice _device;
    private readonly LiveCaptureOptions _options;
    private readonly Channel<PacketBatch> _ready;
    private readonly ConcurrentQueue<PacketBatch> _free = new();
    private readonly long _flushTicks;
    private Thread? _thread;
    private volatile bool _stopping;
    private long _captured;
    private long _pipelineDrops;
    private long _kernelReceived;
    private long _kernelDropped;
    private long _interfaceDropped;
    private uint _lastReceived;
    private uint _lastDropped;
    private uint _lastInterfaceDropped;

    private LiveCapture(LibPcapLiveDevice device, LiveCaptureOptions options)
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

        var device = devices.FirstOrDefault(d => d.Name == options.Interface);
        if (device is null)
        {
            var names = devices.Select(d => d.Name).Where(n => n is not ("any" or "nflog" or "nfqueue" or "dbus-system" or "dbus-session")).Order(StringComparer.Ordinal);
            throw new CaptureOpenException($"no interface '{options.Interface}'; interfaces here: {string.Join(", ", names)}")
            {
                Failure = CaptureFailure.NoSuchInterface,
            };
        }

        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = options.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                Snaplen = options.SnapLength,
                ReadTimeout = 20,
                BufferSize = options.KernelBufferBytes, // pcap_set_buffer_size (KernelBufferSize is WinPcap's pcap_setbuff)
            });
        }
        catch (Exception ex) when (ex is PcapException or PlatformNotSupportedException)
        {
            var denied = ex.Message.Contains("permitted", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("permission", StringComparison.OrdinalIgnoreCase);
            throw new CaptureOpenException(
                denied
                    ? $"not allowed to capture on {options.Interface}: MgmtWatch needs CAP_NET_RAW{(options.Promiscuous ? " and CAP_NET_ADMIN (promiscuous mode; or give --no-promisc)" : "")}: run it under the shipped systemd unit, or grant them: setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which dotnet))"
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

    /// <summary>Starts the capture thread.</summary>
    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "mgmtwatch-capture", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Stops capturing; batches already captured stay readable until the channel drains.</summary>
    public void Stop()
    {
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
            while (!_stopping)
            {
                var status = _device.GetNextPacketPointers(ref header, ref data);
                var now = Stopwatch.GetTimestamp();
                if (status == 1)
                {
                    // struct pcap_pkthdr on 64-bit Linux: struct timeval { long tv_sec; long tv_usec; }, bpf_u_int32 caplen, len.
                    var seconds = Marshal.ReadInt64(header, 0);
                    var micros = Marshal.ReadInt64(header, 8);
                    var captured = Marshal.ReadInt32(header, 16);
                    var wire = Marshal.ReadInt32(header, 20);
                    var timestamp = (seconds * 1_000_000_000) + (micros * 1000);
                    if (batch is null && !_free.TryDequeue(out batch))
                    {
                        Interlocked.Increment(ref _pipelineDrops);
                    }
                    else if (!batch!.TryAdd(timestamp, data, Math.Min(captured, PacketBatch.BufferSize), wire))
                    {
                        Publish(batch);
                        batch = null;
                        if (_free.TryDequeue(out batch))
                        {
                            batch.TryAdd(timestamp, data, Math.Min(captured, PacketBatch.BufferSize), wire);
                            Interlocked.Increment(ref _captured);
                        }
                        else
                        {
                            Interlocked.Increment(ref _pipelineDrops);
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref _captured);
                    }
                }
                else if (status < 0)
                {
                    break; // error or end of capture: stop and let analysis drain
                }

                if (batch is { Count: > 0 } && now - batch.Opened >= _flushTicks)
                {
                    Publish(batch);
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
}
