namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A UDP request and its reply, with the client's retransmissions when the reply does not come (the
/// server is a BMC that is down, or the reply was lost). After it ran, <see cref="Now"/> is the time of
/// its last frame and <see cref="Answered"/> says whether a reply came.
/// </summary>
internal sealed class UdpExchange
{
    public long Now { get; private set; }

    public bool Answered { get; private set; }

    /// <summary>Probability that one reply is lost.</summary>
    public double LossRate { get; init; } = 0.001;

    public IEnumerable<long> Run(Wire w, Site site, Random r, Host client, ushort clientPort, Host server, ushort serverPort, ReadOnlyMemory<byte> request, Func<ReadOnlyMemory<byte>?> reply, long t, double serverMs, long timeout, int retries)
    {
        var oneWay = r.Micros(80, 250) + (client.Local && server.Local ? 0 : r.Micros(150, 400));
        var bmc = server as Bmc;
        Answered = false;
        for (var attempt = 0; attempt <= retries; attempt++)
        {
            if (bmc is not null && Reachability.ArpFailing(bmc, t))
            {
                yield return Reachability.ArpRequest(w, site, client, server, t);
            }
            else
            {
                yield return w.Udp(t, client, clientPort, server, serverPort, request.Span);
            }

            Now = t;
            var at = t + (2 * oneWay) + (long)(serverMs * r.LogNormal(1.0, 0.4) * SimTime.Millisecond);
            var up = bmc is null || (bmc.IsUp(t) && bmc.IsUp(at));
            if (up && !r.Chance(LossRate))
            {
                var bytes = reply();
                if (bytes is { } b)
                {
                    yield return w.Udp(at, server, serverPort, client, clientPort, b.Span);
                    Now = at;
                    Answered = true;
                }

                yield break;
            }

            t += timeout;
        }
    }
}
