using System.CommandLine;
using OtelProfiles.Tool.Demo;
using OtelProfiles.Tool.Receiver;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Cli;

/// <summary><c>otel-profiles demo</c>: receiver + app + load + flame graph, in one command.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var appProject = new Option<string?>("--app-project") { Description = "The web app project to run with 'dotnet run' (for example samples/<App>)" };
        var appCommand = new Option<string?>("--app-command") { Description = "Or a shell command that starts the app" };
        var appUrl = new Option<string>("--app-url") { Description = "Where the app listens (set as ASPNETCORE_URLS)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var paths = new Option<string[]>("--path") { Description = "Path to request under load (repeatable)", DefaultValueFactory = _ => ["/"] };
        var duration = new Option<string>("--duration") { Description = "How long to drive load", DefaultValueFactory = _ => "30s" };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent load workers", DefaultValueFactory = _ => 4 };
        var startTimeout = new Option<string>("--start-timeout") { Description = "How long the app may take to build and answer", DefaultValueFactory = _ => "3m" };
        var wait = new Option<string>("--wait") { Description = "How long to wait after the load for the first profiles", DefaultValueFactory = _ => "60s" };
        var protocol = new Option<string>("--protocol") { Description = "How the app exports to the receiver", DefaultValueFactory = _ => "grpc" };
        protocol.AcceptOnlyFromAmong("grpc", "http/protobuf");
        var appEnv = new Option<string[]>("--app-env") { Description = "Extra environment variable for the app, KEY=VALUE (repeatable)" };
        var output = new Option<string>("--output", "-o") { Description = "HTML flame graph to write", DefaultValueFactory = _ => "otel-profiles-demo.html" };
        var exit = new Option<bool>("--exit") { Description = "Exit after writing the HTML file instead of serving the UI until Ctrl+C" };
        var grpcPort = new Option<int>("--grpc-port") { Description = "Receiver OTLP/gRPC port", DefaultValueFactory = _ => 4317 };
        var httpPort = new Option<int>("--http-port") { Description = "Receiver OTLP/HTTP and web UI port", DefaultValueFactory = _ => 4318 };
        var db = new Option<string?>("--db") { Description = "SQLite database (default: a fresh file in the temp folder)" };
        var command = new Command("demo", "Start the receiver, run a web app that uses AddOtlpProfiles() against it, drive load, and show the flame graph")
        {
            appProject, appCommand, appUrl, paths, duration, concurrency, startTimeout, wait, protocol, appEnv, output, exit, grpcPort, httpPort, db,
        };

        command.SetAction((parse, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            if (parse.GetValue(appProject) is null == parse.GetValue(appCommand) is null)
            {
                throw new CliException("give exactly one of --app-project or --app-command");
            }

            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(appEnv) ?? [])
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0)
                {
                    throw new CliException($"--app-env '{pair}' must have the form KEY=VALUE");
                }

                environment[pair[..eq]] = pair[(eq + 1)..];
            }

            var demo = new DemoOptions
            {
                AppProject = parse.GetValue(appProject),
                AppCommand = parse.GetValue(appCommand),
                AppUrl = new Uri(parse.GetValue(appUrl)!),
                Paths = parse.GetValue(paths)!,
                Concurrency = parse.GetValue(concurrency),
                Duration = Units.ParseDuration(parse.GetValue(duration)!, "--duration"),
                StartTimeout = Units.ParseDuration(parse.GetValue(startTimeout)!, "--start-timeout"),
                ProfileTimeout = Units.ParseDuration(parse.GetValue(wait)!, "--wait"),
                Protocol = parse.GetValue(protocol)!,
                AppEnvironment = environment,
                OutputHtml = parse.GetValue(output)!,
                ExitWhenDone = parse.GetValue(exit),
            };
            var receiver = new ReceiverOptions
            {
                GrpcPort = parse.GetValue(grpcPort),
                HttpPort = parse.GetValue(httpPort),
                DatabasePath = parse.GetValue(db) ?? Path.Combine(Path.GetTempPath(), $"otel-profiles-demo-{Environment.ProcessId}.db"),
                Retention = RetentionPolicy.Default,
            };
            await DemoRunner.RunAsync(demo, receiver, cancellationToken);
        }));
        return command;
    }
}
