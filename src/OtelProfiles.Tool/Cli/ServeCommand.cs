using System.CommandLine;
using Microsoft.Extensions.Logging;
using OtelProfiles.Tool.Receiver;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Cli;

/// <summary><c>otel-profiles serve</c>: the local OTLP profiles receiver with the web UI.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var host = new Option<string>("--host") { Description = "Address to bind (loopback by default; any other address needs --token)", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = $"Require 'Authorization: Bearer <token>' on every HTTP and gRPC request (default: ${AccessGuard.TokenVariable}); without it only loopback host names are answered" };
        var maxConcurrent = new Option<int>("--max-concurrent-requests") { Description = "Export requests decoded at once; more wait up to 5 s, then get 503 / UNAVAILABLE", DefaultValueFactory = _ => ReceiverOptions.DefaultMaxConcurrentRequests };
        var grpcPort = new Option<int>("--grpc-port") { Description = "OTLP/gRPC port (0 = any free port)", DefaultValueFactory = _ => 4317 };
        var httpPort = new Option<int>("--http-port") { Description = "OTLP/HTTP, web UI and API port (0 = any free port)", DefaultValueFactory = _ => 4318 };
        var db = new Option<string>("--db") { Description = "SQLite database file", DefaultValueFactory = _ => ReceiverOptions.DefaultDatabasePath };
        var retention = new Option<string>("--retention") { Description = "Delete data received longer ago than this", DefaultValueFactory = _ => "24h" };
        var maxStorage = new Option<string>("--max-storage") { Description = "Delete the oldest data beyond this many stored bytes", DefaultValueFactory = _ => "1GiB" };
        var maxRequest = new Option<string>("--max-request-size") { Description = "Reject requests larger than this (after decompression)", DefaultValueFactory = _ => "16MiB" };
        var readyFile = new Option<string?>("--ready-file") { Description = "Write a JSON file with the listening URLs here once the receiver accepts requests" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log every request" };
        var command = new Command("serve", "Run the local OTLP profiles and traces receiver (gRPC 4317, HTTP 4318) with the flame graph and span web UI")
        {
            host, token, grpcPort, httpPort, db, retention, maxStorage, maxRequest, maxConcurrent, readyFile, verbose,
        };

        command.SetAction((parse, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            if (parse.GetValue(maxConcurrent) < 1)
            {
                throw new CliException("--max-concurrent-requests must be at least 1");
            }

            var options = new ReceiverOptions
            {
                Host = parse.GetValue(host)!,
                Token = NullIfEmpty(parse.GetValue(token)) ?? NullIfEmpty(Environment.GetEnvironmentVariable(AccessGuard.TokenVariable)),
                MaxConcurrentRequests = parse.GetValue(maxConcurrent),
                GrpcPort = parse.GetValue(grpcPort),
                HttpPort = parse.GetValue(httpPort),
                DatabasePath = parse.GetValue(db)!,
                Retention = new RetentionPolicy(
                    Units.ParseDuration(parse.GetValue(retention)!, "--retention"),
                    Units.ParseSize(parse.GetValue(maxStorage)!, "--max-storage")),
                MaxRequestBytes = Units.ParseSize(parse.GetValue(maxRequest)!, "--max-request-size"),
                ReadyFile = parse.GetValue(readyFile),
                LogLevel = parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning,
            };

            await using var server = await StartOrExplainAsync(options, cancellationToken);
            PrintEndpoints(server);
            Console.WriteLine("Press Ctrl+C to stop.");
            await server.WaitForShutdownAsync(cancellationToken);
        }));
        return command;
    }

    internal static async Task<ReceiverServer> StartOrExplainAsync(ReceiverOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await ReceiverServer.StartAsync(options, cancellationToken);
        }
        catch (StoreUnavailableException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) || ex.InnerException is System.Net.Sockets.SocketException)
        {
            throw new CliException($"cannot listen on {options.Host}:{options.GrpcPort}/{options.HttpPort}: {ex.Message} (is another receiver or collector running? use --grpc-port/--http-port)");
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    internal static void PrintEndpoints(ReceiverServer server)
    {
        Console.WriteLine("otel-profiles receiver is running");
        Console.WriteLine($"  OTLP/gRPC  {server.GrpcEndpoint.ToString().TrimEnd('/')}");
        Console.WriteLine($"  OTLP/HTTP  {server.OtlpHttpProfilesUrl}");
        Console.WriteLine($"  OTLP/HTTP  {server.OtlpHttpTracesUrl} (traces, for the span view)");
        Console.WriteLine($"  Web UI     {server.HttpEndpoint}");
        Console.WriteLine($"  Database   {Path.GetFullPath(server.Store.DatabasePath)}");
    }
}
