namespace MgmtWatch.Cli.Tests.Support;

/// <summary>
/// Live-capture tests measure real timing (replays, signals, a BMC simulator's answers); on a 2-core CI
/// machine they must not share the CPU with the rest of the suite, so they run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveCaptureGroup
{
    public const string Name = "live capture";
}
