using System.CommandLine;
using MgmtWatch.Cli.Commands;
using MgmtWatch.Cli.Hosting;
using Serilog;

namespace MgmtWatch.Cli;

/// <summary>The <c>mgmtwatch</c> executable.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        Log.Logger = new LoggerConfiguration()
            .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateBootstrapLogger();
        try
        {
            var root = BuildRoot();
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
            {
                foreach (var error in parse.Errors)
                {
                    await Console.Error.WriteLineAsync("mgmtwatch: " + error.Message).ConfigureAwait(false);
                }

                await Console.Error.WriteLineAsync("Try 'mgmtwatch --help'.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var invocation = new InvocationConfiguration
            {
                // Long enough to flush every open flow and write its record after Ctrl-C or SIGTERM.
                ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            };
            return await parse.InvokeAsync(invocation).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the last line of defence: a bug must end in a clear line and exit 1, not a crash dump
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"mgmtwatch: internal error ({ex.GetType().Name}): {ex.Message}; please report it with the command line that caused it").ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable("MGMTWATCH_DEBUG") == "1")
            {
                await Console.Error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.InternalError;
        }
        finally
        {
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The command tree.</summary>
    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("MgmtWatch: anomaly detection for server management (BMC) networks");
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(MonitorCommand.Create());
        root.Subcommands.Add(RulesCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        return root;
    }
}
