using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

namespace MgmtWatch.Cli.Hosting;

/// <summary>
/// Serilog for the command line: everything on stderr (stdout carries results only), plain one-line
/// messages for people or compact JSON for machines.
/// </summary>
internal static class CliLogging
{
    /// <summary>Configures the global logger from the parsed global options and returns a factory for library code.</summary>
    public static ILoggerFactory Configure(ParseResult parse)
    {
        var level = parse.GetValue(GlobalOptions.LogLevel)
                    ?? (parse.GetValue(GlobalOptions.Verbose) ? LogEventLevel.Debug
                        : parse.GetValue(GlobalOptions.Quiet) ? LogEventLevel.Warning
                        : LogEventLevel.Information);
        var config = new LoggerConfiguration().MinimumLevel.Is(level);
        config = parse.GetValue(GlobalOptions.LogFormat) == "json"
            ? config.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
            : config.WriteTo.Console(
                outputTemplate: "mgmtwatch: {Level:w}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: CultureInfo.InvariantCulture,
                applyThemeToRedirectedOutput: false,
                theme: Serilog.Sinks.SystemConsole.Themes.ConsoleTheme.None);
        Log.Logger = config.CreateLogger();
        return new SerilogLoggerFactory(Log.Logger, dispose: false);
    }
}
