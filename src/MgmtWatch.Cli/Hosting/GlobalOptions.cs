using System.CommandLine;
using Serilog.Events;

namespace MgmtWatch.Cli.Hosting;

/// <summary>Options every verb accepts (STYLE §3 "global").</summary>
internal static class GlobalOptions
{
    public static readonly Option<FileInfo?> Config = new("--config", "-c")
    {
        Description = "Configuration file (default /etc/mgmtwatch/mgmtwatch.json if present)",
        Recursive = true,
    };

    public static readonly Option<LogEventLevel?> LogLevel = new("--log-level")
    {
        Description = "Minimum log level: Verbose, Debug, Information, Warning, Error, Fatal",
        Recursive = true,
    };

    public static readonly Option<string> LogFormat = new("--log-format")
    {
        Description = "Log format on stderr: text or json",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Only warnings and errors on stderr; no progress or summary",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Debug logging",
        Recursive = true,
    };

    static GlobalOptions()
    {
        LogFormat.AcceptOnlyFromAmong("text", "json");
    }

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Config);
        root.Options.Add(LogLevel);
        root.Options.Add(LogFormat);
        root.Options.Add(Quiet);
        root.Options.Add(Verbose);
    }
}
