using System.CommandLine;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Cli.Hosting;

/// <summary>Options that shape the pipeline, shared by every verb that reads traffic (analyze, train, evaluate).</summary>
internal static class PipelineSettings
{
    public static readonly Option<string> Order = new("--order")
    {
        Description = "With several files: 'time' merges packets by timestamp (mergecap's default), 'given' reads each file whole in the order given",
        DefaultValueFactory = _ => "time",
    };

    public static readonly Option<string[]> Timeouts = new("--timeout")
    {
        Description = "Flow timeout NAME=SECONDS; names: tcp (300), tcp-attempt (30, unanswered), tcp-closed (5), udp (60), icmp (60), other (60), interim (1800; 0 = none). Repeatable",
        HelpName = "NAME=SECONDS",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static readonly Option<int> MaxFlows = new("--max-flows")
    {
        Description = "Concurrent flows at most; beyond it the flow nearest its timeout is evicted",
        DefaultValueFactory = _ => FlowTable.DefaultMaxFlows,
    };

    public static readonly Option<string[]> Thresholds = new("--threshold")
    {
        Description = "Rule threshold NAME=VALUE (see the README's rule table). Repeatable",
        HelpName = "NAME=VALUE",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static readonly Option<string[]> ManagerNetworks = new("--manager-network")
    {
        Description = "Network of the management stations (CIDR) allowed to change BMC configuration, e.g. 10.50.1.0/24. Repeatable; default: unknown, learned from the traffic",
        HelpName = "CIDR",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static readonly Option<string?> FingerprintKey = new("--fingerprint-key")
    {
        Description = "Key file for credential fingerprints (created if absent; default $MGMTWATCH_FINGERPRINT_KEY or ~/.config/mgmtwatch/fingerprint.key)",
        HelpName = "FILE",
    };

    public static readonly Option<int> Threads = new("--threads", "-j")
    {
        Description = "Threads: 1 does everything on one; 2 (the default on a machine with two cores or more) puts rules, incidents and output writing on a second. The results are the same either way",
        DefaultValueFactory = _ => Math.Min(Environment.ProcessorCount, 2),
        HelpName = "N",
    };

    static PipelineSettings()
    {
        Threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--threads must be at least 1");
            }
        });
        Order.AcceptOnlyFromAmong("time", "given");
        MaxFlows.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--max-flows must be at least 1");
            }
        });
    }

    /// <summary>Adds the options to a verb.</summary>
    public static void AddTo(Command command)
    {
        command.Options.Add(Order);
        command.Options.Add(Timeouts);
        command.Options.Add(MaxFlows);
        command.Options.Add(Thresholds);
        command.Options.Add(ManagerNetworks);
        command.Options.Add(FingerprintKey);
        command.Options.Add(Threads);
    }

    /// <summary>The merge order chosen.</summary>
    public static MergeOrder MergeOrderOf(ParseResult parse) => parse.GetValue(Order) == "given" ? MergeOrder.Given : MergeOrder.Time;

    /// <summary>Builds pipeline options from the parsed command line; returns an error for people, or null.</summary>
    public static string? TryBuild(ParseResult parse, out PipelineOptions options, out string? warning)
    {
        var error = TryBuild(parse.GetValue(Timeouts) ?? [], parse.GetValue(Thresholds) ?? [], parse.GetValue(ManagerNetworks) ?? [], parse.GetValue(MaxFlows),
            parse.GetValue(FingerprintKey), out options, out warning);
        options = options with { Threads = parse.GetValue(Threads) };
        return error;
    }

    /// <summary>
    /// Builds pipeline options from settings in their text form, wherever they came from (command line or
    /// configuration file); returns an error for people, or null.
    /// </summary>
    public static string? TryBuild(IEnumerable<string> timeoutSettings, IEnumerable<string> thresholdSettings, IEnumerable<string> managerNetworks,
        int maxFlows, string? fingerprintKey, out PipelineOptions options, out string? warning)
    {
        options = new PipelineOptions();
        warning = null;
        var timeoutError = FlowTimeouts.TryParse(timeoutSettings, new FlowTimeouts(), out var timeouts);
        if (timeoutError is not null)
        {
            return timeoutError;
        }

        var thresholdError = DetectionSettings.TryParse(thresholdSettings, out var detection);
        if (thresholdError is not null)
        {
            return thresholdError;
        }

        var networkError = NetworkSet.TryParse(managerNetworks, out var managers);
        if (networkError is not null)
        {
            return $"manager network: {networkError}";
        }

        if (maxFlows < 1)
        {
            return "the flow limit (--max-flows, MaxFlows) must be at least 1";
        }

        var fingerprinter = CredentialFingerprinter.LoadOrCreate(fingerprintKey ?? CredentialFingerprinter.DefaultPath(), out warning);
        options = new PipelineOptions
        {
            Timeouts = timeouts,
            MaxFlows = maxFlows,
            Detection = detection,
            Site = new SiteSettings { ManagerNetworks = managers },
            Fingerprinter = fingerprinter,
        };
        return null;
    }

    /// <summary>Rejects values that look like unknown options among file arguments (they would be taken for file names).</summary>
    public static void RejectOptionLikeFiles(Argument<string[]> files) => files.Validators.Add(r =>
    {
        foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
        {
            if (value.StartsWith('-') && value != "-")
            {
                r.AddError($"unknown option '{value}'");
            }
        }
    });
}
