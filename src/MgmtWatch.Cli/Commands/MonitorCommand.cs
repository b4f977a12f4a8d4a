using System.CommandLine;
using System.Globalization;
using MgmtWatch.Cli.Hosting;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace MgmtWatch.Cli.Commands;

/// <summary><c>mgmtwatch monitor -i IF</c>: the live sensor.</summary>
internal static partial class MonitorCommand
{
    /// <summary>Default configuration file (STYLE §6).</summary>
    internal const string DefaultConfig = "/etc/mgmtwatch/mgmtwatch.json";

    private static readonly Option<string?> Interface = new("--interface", "-i") { Description = "Interface to capture on (a tap or SPAN port)", HelpName = "NAME" };
    private static readonly Option<string?> Filter = new("--filter") { Description = "BPF capture filter (tcpdump syntax)", HelpName = "BPF" };
    private static readonly Option<int?> SnapLength = new("--snaplen") { Description = "Bytes captured per packet (default 262144)", HelpName = "N" };
    private static readonly Option<bool> NoPromisc = new("--no-promisc") { Description = "Do not put the interface in promiscuous mode" };
    private static readonly Option<string?> Model = new("--model", "-m") { Description = "Model directory (reloaded on SIGHUP)", HelpName = "DIR" };
    private static readonly Option<string?> Eve = new("--eve", "-o") { Description = "EVE JSON output file, '-' for standard output", HelpName = "FILE" };
    private static readonly Option<string?> Flows = new("--flows") { Description = "Flow log output file", HelpName = "FILE" };
    private static readonly Option<string?> MetricsListen = new("--metrics-listen") { Description = "Prometheus endpoint host:port (e.g. 127.0.0.1:9750)", HelpName = "HOST:PORT" };
    private static readonly Option<int?> StatsInterval = new("--stats-interval") { Description = "Seconds between EVE stats events (0: none)", HelpName = "SECONDS" };
    private static readonly Option<string?> User = new("--user")
    {
        Description = "Become this user once the capture is open (needs root; outputs are then written as this user)",
        HelpName = "NAME",
    };

    public static Command Create()
    {
        var command = new Command("monitor", "Monitor a live interface (a tap or SPAN port): the sensor")
        {
            Interface, Filter, SnapLength, NoPromisc, Model, Eve, Flows, MetricsListen, StatsInterval, User,
        };
        command.Options.Add(PipelineSettings.Thresholds);
        command.Options.Add(PipelineSettings.Timeouts);
        command.Options.Add(PipelineSettings.MaxFlows);
        command.Options.Add(PipelineSettings.ManagerNetworks);
        command.Options.Add(PipelineSettings.FingerprintKey);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var configPath = parse.GetValue(GlobalOptions.Config)?.FullName;
        if (configPath is not null && !File.Exists(configPath))
        {
            await Console.Error.WriteLineAsync($"mgmtwatch: error: configuration file {configPath} does not exist").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(configPath ?? DefaultConfig, optional: configPath is null, reloadOnChange: false)
                .AddEnvironmentVariables("MGMTWATCH_")
                .AddInMemoryCollection(CommandLineOverrides(parse))
                .Build();
        }
        catch (InvalidDataException ex)
        {
            await Console.Error.WriteLineAsync($"mgmtwatch: error: invalid configuration: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        var settings = new MonitorSettings();
        try
        {
            configuration.GetSection("Monitor").Bind(settings);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"mgmtwatch: error: invalid configuration: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        using var loggerFactory = ConfigureLogging(parse, configuration);
        var logger = loggerFactory.CreateLogger("MgmtWatch.Cli.Monitor");
        if (string.IsNullOrWhiteSpace(settings.Interface))
        {
            LogError(logger, "no interface: give -i NAME (or Monitor:Interface in the configuration)");
            return ExitCodes.Usage;
        }

        var optionsError = BuildPipelineOptions(settings, out var pipelineOptions, out var keyWarning);
        if (optionsError is not null)
        {
            LogError(logger, optionsError);
            return ExitCodes.Usage;
        }

        if (keyWarning is not null)
        {
            LogWarning(logger, keyWarning);
        }

        uint uid = 0, gid = 0;
        if (!string.IsNullOrEmpty(settings.User) && !Privileges.TryLookUp(settings.User, out uid, out gid))
        {
            LogError(logger, $"no such user '{settings.User}' (--user, Monitor:User)");
            return ExitCodes.Usage;
        }

        AnomalyModel? model = null;
        if (!string.IsNullOrEmpty(settings.Model))
        {
            try
            {
                model = AnomalyModel.Load(settings.Model);
            }
            catch (ModelLoadException ex)
            {
                LogError(logger, ex.Message);
                return ExitCodes.BadInput;
            }
        }

        LiveCapture capture;
        try
        {
            capture = LiveCapture.Open(new LiveCaptureOptions
            {
                Interface = settings.Interface,
                Filter = settings.Filter,
                SnapLength = settings.SnapLength,
                Promiscuous = settings.Promiscuous,
            });
        }
        catch (CaptureOpenException ex)
        {
            LogError(logger, ex.Message);
            return ex.Failure == CaptureFailure.BadFilter ? ExitCodes.Usage : ExitCodes.Capture;
        }

        using (capture)
        {
            // Root (or CAP_NET_RAW) was needed to open the capture, not to read from it: drop it before the
            // host starts and any output file is opened, so files are created as the unprivileged user.
            if (!string.IsNullOrEmpty(settings.User))
            {
                var dropError = Privileges.DropTo(uid, gid);
                if (dropError is not null)
                {
                    LogError(logger, dropError);
                    return ExitCodes.Capture;
                }

                LogDropped(logger, settings.User, uid, gid);
            }

            ReopenableOutputs outputs;
            try
            {
                outputs = new ReopenableOutputs(settings, logger);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogError(logger, "cannot open output: " + ex.Message);
                return ExitCodes.Usage;
            }

            using (outputs)
            {
                Prometheus.MetricServer? metrics;
                try
                {
                    metrics = MonitorService.StartMetrics(settings.MetricsListen, logger);
                }
                catch (System.Net.HttpListenerException ex)
                {
                    LogError(logger, $"cannot serve metrics on {settings.MetricsListen}: {ex.Message}");
                    return ExitCodes.Usage;
                }

                using (metrics)
                {
                    var service = await RunHostAsync(capture, settings, pipelineOptions, model, outputs, cancellationToken).ConfigureAwait(false);
                    if (service?.Failure is not null)
                    {
                        return ExitCodes.InternalError; // the host has logged why
                    }
                }
            }
        }

        // SIGTERM and SIGINT are how a sensor is stopped: a normal end, every flow flushed.
        return ExitCodes.Ok;
    }

    private static async Task<MonitorService?> RunHostAsync(LiveCapture capture, MonitorSettings settings, PipelineOptions pipelineOptions, AnomalyModel? model,
        ReopenableOutputs outputs, CancellationToken cancellationToken)
    {
        MonitorService? service = null;
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.Logging.ClearProviders();
        Serilog.SerilogServiceCollectionExtensions.AddSerilog(builder.Services, Log.Logger, dispose: false);
        builder.Services.AddSingleton(capture);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(pipelineOptions);
        builder.Services.AddSingleton(sp => model!);
        builder.Services.AddHostedService(sp => service = new MonitorService(capture, settings, pipelineOptions, model, outputs, sp.GetRequiredService<ILoggerFactory>()));
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);

        return service;
    }

    private static Dictionary<string, string?> CommandLineOverrides(ParseResult parse)
    {
        var o = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Set(string key, string? value)
        {
            if (value is not null)
            {
                o["Monitor:" + key] = value;
            }
        }

        Set("Interface", parse.GetValue(Interface));
        Set("Filter", parse.GetValue(Filter));
        Set("SnapLength", parse.GetValue(SnapLength)?.ToString(CultureInfo.InvariantCulture));
        if (parse.GetValue(NoPromisc))
        {
            Set("Promiscuous", "false");
        }

        Set("Model", parse.GetValue(Model));
        Set("Eve", parse.GetValue(Eve));
        Set("Flows", parse.GetValue(Flows));
        Set("MetricsListen", parse.GetValue(MetricsListen));
        Set("StatsIntervalSeconds", parse.GetValue(StatsInterval)?.ToString(CultureInfo.InvariantCulture));
        Set("User", parse.GetValue(User));
        Set("FingerprintKey", parse.GetValue(PipelineSettings.FingerprintKey));
        if (parse.GetResult(PipelineSettings.MaxFlows) is not null)
        {
            Set("MaxFlows", parse.GetValue(PipelineSettings.MaxFlows).ToString(CultureInfo.InvariantCulture));
        }

        var thresholds = parse.GetValue(PipelineSettings.Thresholds) ?? [];
        for (var i = 0; i < thresholds.Length; i++)
        {
            Set($"Thresholds:{i}", thresholds[i]);
        }

        var timeouts = parse.GetValue(PipelineSettings.Timeouts) ?? [];
        for (var i = 0; i < timeouts.Length; i++)
        {
            Set($"Timeouts:{i}", timeouts[i]);
        }

        var managers = parse.GetValue(PipelineSettings.ManagerNetworks) ?? [];
        for (var i = 0; i < managers.Length; i++)
        {
            Set($"ManagerNetworks:{i}", managers[i]);
        }

        return o;
    }

    private static string? BuildPipelineOptions(MonitorSettings settings, out PipelineOptions options, out string? keyWarning)
    {
        options = new PipelineOptions();
        keyWarning = null;
        if (settings.MetricsListen is { Length: > 0 } listen && (listen.LastIndexOf(':') <= 0 ||
            !int.TryParse(listen.AsSpan(listen.LastIndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535))
        {
            return $"invalid metrics endpoint '{listen}': expected HOST:PORT, e.g. 127.0.0.1:9750";
        }

        return PipelineSettings.TryBuild(settings.Timeouts, settings.Thresholds, settings.ManagerNetworks, settings.MaxFlows, settings.FingerprintKey,
            out options, out keyWarning);
    }

    private static SerilogLoggerFactoryHolder ConfigureLogging(ParseResult parse, IConfiguration configuration)
    {
        var level = parse.GetValue(GlobalOptions.LogLevel)
                    ?? (parse.GetValue(GlobalOptions.Verbose) ? LogEventLevel.Debug : parse.GetValue(GlobalOptions.Quiet) ? LogEventLevel.Warning : LogEventLevel.Information);
        var config = new LoggerConfiguration().MinimumLevel.Is(level);
        if (configuration.GetSection("Serilog").Exists())
        {
            config = config.ReadFrom.Configuration(configuration);
        }
        else
        {
            config = config.WriteTo.Console(
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} mgmtwatch: {Level:w}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: CultureInfo.InvariantCulture,
                theme: Serilog.Sinks.SystemConsole.Themes.ConsoleTheme.None);
        }

        Log.Logger = config.CreateLogger();
        return new SerilogLoggerFactoryHolder(new Serilog.Extensions.Logging.SerilogLoggerFactory(Log.Logger, dispose: false));
    }

    /// <summary>Disposable holder so the factory's lifetime is the command's.</summary>
    private sealed class SerilogLoggerFactoryHolder(ILoggerFactory factory) : IDisposable
    {
        public ILogger CreateLogger(string name) => factory.CreateLogger(name);

        public void Dispose() => factory.Dispose();
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogError(ILogger logger, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Capture open; now running as user {User} (uid {Uid}, gid {Gid})")]
    private static partial void LogDropped(ILogger logger, string user, uint uid, uint gid);
}
