namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A label row being collected: the behaviour tags its frames with it and the scheduler records the time
/// of every tagged frame it actually writes, so the row's window covers exactly the packets in the file.
/// </summary>
internal sealed class LabelPattern(string campaign, string attack, string protocol, Host source, int? sourcePort, string? destination, Host? destinationHost, int? destinationPort, string description)
{
    public long First { get; private set; } = long.MaxValue;

    public long Last { get; private set; } = long.MinValue;

    public bool Seen => First != long.MaxValue;

    public string Campaign => campaign;

    /// <summary>The source port, when it is only known once the behaviour picked it (null: any).</summary>
    public int? SourcePort { get; set; } = sourcePort;

    public void Observe(long time)
    {
        if (time < First)
        {
            First = time;
        }

        if (time > Last)
        {
            Last = time;
        }
    }

    /// <summary>
    /// Narrows the pattern to its earliest event, for a row about one moment (the first handshake in which a
    /// reflashed BMC shows a new key), in whatever order the behaviours reach it.
    /// </summary>
    public void ObserveEarliest(long time)
    {
        if (time < First)
        {
            First = time;
            Last = time;
        }
    }

    public LabelRow ToRow() => new(
        campaign,
        attack,
        SimTime.ToDateTimeOffset(First),
        SimTime.ToDateTimeOffset(Last),
        protocol,
        source.IpText,
        SourcePort,
        destination ?? destinationHost!.IpText,
        destinationPort,
        description);
}
