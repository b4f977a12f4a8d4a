using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MgmtWatch.Cli.Hosting;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Simulation;
using Microsoft.Extensions.Logging;

namespace MgmtWatch.Cli.Commands;

/// <summary>
/// <c>mgmtwatch simulate --out FILE --seed N --hours H --bmcs N [--attack NAME ...] [--labels FILE]</c>:
/// write a capture of a simulated management network, with optional attack campaigns and their labels.
/// </summary>
internal static partial class SimulateCommand
{
    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Capture file to write (classic pcap, Ethernet, microseconds)",
        Required = true,
        HelpName = "FILE",
    };

    private static readonly Option<int> Seed = new("--seed")
    {
        Description = "Seed: chooses the site (addresses, vendors, pollers, time zone) and all behaviour; same arguments, same bytes",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<double> Hours = new("--hours")
    {
        Description = "Simulated duration in hours",
        DefaultValueFactory = _ => 3.0,
    };

    private static readonly Option<int> Bmcs = new("--bmcs")
    {
        Description = "Number of BMCs",
        DefaultValueFactory = _ => 40,
    };

    private static readonly Option<int?> Pollers = new("--pollers")
    {
        Description = "Number of poller hosts (default: chosen by the seed, 2-4)",
    };

    private static readonly Option<string[]> Attacks = new("--attack")
    {
        Description = "Add an attack campaign (repeatable), or 'all': " + string.Join(", ", AttackCatalog.Names),
        HelpName = "NAME",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly Option<string?> Labels = new("--labels")
    {
        Description = "Write the attack ground truth (CSV: campaign,attack,start,end,proto,src_ip,src_port,dst_ip,dst_port,description)",
        HelpName = "FILE",
    };

    private static readonly Option<string> Start = new("--start")
    {
        Description = "Start of the capture, ISO 8601 (default 2026-03-02T00:00:00Z, a Monday)",
        DefaultValueFactory = _ => "2026-03-02T00:00:00Z",
        HelpName = "TIME",
    };

    private static readonly Option<double?> AttackStartHour = new("--attack-start-hour")
    {
        Description = "Earliest campaign start, in hours after the capture start (default: a tenth of the duration)",
        HelpName = "HOURS",
    };

    private static readonly Option<int> SnapLength = new("--snaplen")
    {
        Description = "Bytes kept of each frame (the original length is recorded)",
        DefaultValueFactory = _ => MgmtWatch.Core.Capture.CaptureFileReader.MaxPacketLength,
    };

    private static readonly Option<double> BulkScale = new("--bulk-scale")
    {
        Description = "Scale bulk transfers (KVM, virtual media, firmware, exfiltration) by this factor (0-1] to keep fixtures small",
        DefaultValueFactory = _ => 1.0,
    };

    private static readonly Option<bool> NoProgress = new("--no-progress")
    {
        Description = "No progress bar (it is shown only when stderr is a terminal)",
    };

    public static Command Create()
    {
        var command = new Command("simulate", "Write a capture of a simulated BMC management network, optionally with labelled attacks")
        {
            Out, Seed, Hours, Bmcs, Pollers, Attacks, Labels, Start, AttackStartHour, SnapLength, BulkScale, NoProgress,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var loggerFactory = CliLogging.Configure(parse);
        var logger = loggerFactory.CreateLogger("MgmtWatch.Cli.Simulate");
        var quiet = parse.GetValue(GlobalOptions.Quiet);

        if (!DateTimeOffset.TryParse(parse.GetValue(Start), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start))
        {
            LogUsage(logger, $"--start '{parse.GetValue(Start)}' is not an ISO 8601 time (e.g. 2026-03-02T00:00:00Z)");
            return ExitCodes.Usage;
        }

        var hours = parse.GetValue(Hours);
        if (!(hours > 0) || hours > 31 * 24)
        {
            LogUsage(logger, "--hours must be more than 0 and at most 744 (31 days)");
            return ExitCodes.Usage;
        }

        var attacks = new List<string>();
        foreach (var a in parse.GetValue(Attacks) ?? [])
        {
            foreach (var name in a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (name == "all")
                {
                    attacks.AddRange(AttackCatalog.Names.Where(n => !attacks.Contains(n)));
                }
                else if (!attacks.Contains(name))
                {
                    attacks.Add(name);
                }
            }
        }

        var options = new SimulationOptions
        {
            Seed = parse.GetValue(Seed),
            Start = start,
            Duration = TimeSpan.FromHours(hours),
            Bmcs = parse.GetValue(Bmcs),
            Pollers = parse.GetValue(Pollers),
            Attacks = attacks,
            AttackStart = parse.GetValue(AttackStartHour) is { } h ? TimeSpan.FromHours(h) : null,
            SnapLength = parse.GetValue(SnapLength),
            BulkScale = parse.GetValue(BulkScale),
        };
        var invalid = options.Validate();
        if (invalid is not null)
        {
            LogUsage(logger, invalid);
            return ExitCodes.Usage;
        }

        var outPath = parse.GetValue(Out)!;
        var labelsPath = parse.GetValue(Labels);
        if (labelsPath is not null && string.Equals(Path.GetFullPath(labelsPath), Path.GetFullPath(outPath), StringComparison.Ordinal))
        {
            LogUsage(logger, "--labels and --out name the same file");
            return ExitCodes.Usage;
        }

        FileStream pcap;
        StreamWriter? labels = null;
        try
        {
            pcap = new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            LogUsage(logger, $"cannot write {outPath}: {ex.Message}");
            return ExitCodes.Usage;
        }

        try
        {
            if (labelsPath is not null)
            {
                labels = new StreamWriter(labelsPath, false, new UTF8Encoding(false)) { NewLine = "\n" };
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            await pcap.DisposeAsync().ConfigureAwait(false);
            LogUsage(logger, $"cannot write {labelsPath}: {ex.Message}");
            return ExitCodes.Usage;
        }

        var clock = Stopwatch.StartNew();
        var startMicros = (start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var totalMicros = (long)(hours * 3_600_000_000);
        var progress = ProgressDisplay.Wanted(parse.GetValue(NoProgress), quiet) ? new ProgressDisplay() : null;
        SimulationResult? result = null;
        var interrupted = false;
        try
        {
            var work = Task.Run(
                () => ManagementNetworkSimulator.Write(options, pcap, labels, progress is null ? null : (p, t) => progress.Report(new ReadProgress(p, t - startMicros, totalMicros)), cancellationToken),
                CancellationToken.None);
            result = progress is null ? await work.ConfigureAwait(false) : await progress.RunAsync(work).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            interrupted = true;
        }
        catch (IOException ex)
        {
            LogUsage(logger, $"writing failed: {ex.Message}");
            return ExitCodes.InternalError;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            LogInternal(logger, ex);
            return ExitCodes.InternalError;
        }
        finally
        {
            await pcap.DisposeAsync().ConfigureAwait(false);
            if (labels is not null)
            {
                await labels.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (interrupted || result is null)
        {
            return ExitCodes.Interrupted;
        }

        clock.Stop();
        if (!quiet)
        {
            var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            await Console.Error.WriteAsync(result.Summary).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Wrote {result.Packets:N0} packets ({result.Bytes / 1_048_576.0:N1} MiB) to {outPath} in {seconds:N1} s ({result.Packets / seconds:N0} packets/s); {result.Labels.Count} label rows{(labelsPath is null ? "" : " in " + labelsPath)}")).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogUsage(ILogger logger, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "simulation failed (a bug; please report it with the command line)")]
    private static partial void LogInternal(ILogger logger, Exception exception);
}
