using MgmtWatch.Core.Capture;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>One packet held in memory: its capture metadata and a copy of its bytes.</summary>
internal readonly record struct CapturedFrame(PacketInfo Info, byte[] Data);
