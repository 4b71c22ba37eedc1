using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Cli;
using OtelProfiles.Tool.Formats;
using OtelProfiles.Tool.Receiver;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Demo;

/// <summary>
/// The README's one-command demo: receiver up, app started and pointed at it through the standard OTLP environment
/// variables, load driven, first profiles awaited, then the flame graph URL printed and an HTML file written.
/// </summary>
internal static class DemoRunner
{
    /// <summary>The sampling budget the demo gives the app (percent of its CPU): more samples than the default 1% in a 20 s run.</summary>
    internal const string DemoSamplingOverheadPercent = "5";

    public static async Task RunAsync(DemoOptions demo, ReceiverOptions receiverOptions, CancellationToken cancellationToken)
    {
        await using var server = await ServeCommand.StartOrExplainAsync(receiverOptions, cancellationToken);
        ServeCommand.PrintEndpoints(server);

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = demo.AppUrl.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL"] = demo.Protocol,
            ["OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT"] = demo.Protocol == "grpc"
                ? server.GrpcEndpoint.ToString().TrimEnd('/')
                : server.OtlpHttpProfilesUrl.ToString(),

            // Every kind of profile, so the demo shows them all; --app-env OTEL_PROFILES_TYPES=... narrows it.
            ["OTEL_PROFILES_TYPES"] = DemoSummary.AllKinds,
            // A 20 s run at the default 1% budget gives a hundred or so CPU samples on a small machine: too few for
            // a flame graph worth reading. The demo spends 5% (--app-env OTEL_PROFILES_SAMPLING_OVERHEAD=1 for the default).
            ["OTEL_PROFILES_SAMPLING_OVERHEAD"] = DemoSamplingOverheadPercent,
            // The app's traces go to the same receiver, for the span view.
            ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = demo.Protocol,
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = demo.Protocol == "grpc"
                ? server.GrpcEndpoint.ToString().TrimEnd('/')
                : server.OtlpHttpTracesUrl.ToString(),
        };
        foreach (var (key, value) in demo.AppEnvironment)
        {
            environment[key] = value;
        }

        var (fileName, arguments) = demo.AppProject is not null
            ? ("dotnet", new[] { "run", "--project", demo.AppProject, "-c", "Release", "--no-launch-profile" })
            : OperatingSystem.IsWindows() ? ("cmd.exe", new[] { "/c", demo.AppCommand! }) : ("/bin/sh", new[] { "-c", demo.AppCommand! });
        var logPath = Path.GetFullPath("otel-profiles-demo-app.log");
        Console.WriteLine($"Starting the app: {fileName} {string.Join(' ', arguments)} (output in {logPath})");
        Console.WriteLine($"Profiling every type at a {environment["OTEL_PROFILES_SAMPLING_OVERHEAD"]}% sampling budget (the default is 1%), for more samples in a short run.");
        using var app = AppProcess.Start(fileName, arguments, environment, logPath);

        var probe = new Uri(demo.AppUrl, demo.Paths[0]);
        if (!await LoadDriver.WaitUntilUpAsync(probe, demo.StartTimeout, () => app.HasExited, cancellationToken))
        {
            var why = app.HasExited ? $"it exited with code {app.ExitCode}" : $"it did not answer {probe} within {demo.StartTimeout.TotalSeconds:0} s";
            throw new CliException($"the app did not start: {why}. Last lines of {logPath}:\n{app.LogTail()}");
        }

        Console.WriteLine($"The app answers at {demo.AppUrl}; driving load on {string.Join(", ", demo.Paths)} for {demo.Duration.TotalSeconds:0} s with {demo.Concurrency} workers...");
        var load = await LoadDriver.RunAsync(demo.AppUrl, demo.Paths, demo.Concurrency, demo.Duration, cancellationToken);
        Console.WriteLine($"Load done: {load.Requests} requests, {load.Failures} failures.");

        var services = await WaitForProfilesAsync(server.Store, demo.ProfileTimeout, app, cancellationToken);
        if (services.Count == 0)
        {
            throw new CliException($"no profiles arrived within {demo.ProfileTimeout.TotalSeconds:0} s after the load; is AddOtlpProfiles() enabled in the app? Last lines of {logPath}:\n{app.LogTail()}");
        }

        var service = services.OrderByDescending(s => s.ProfileCount).First();
        var type = ProfileTypeNames.Preferred(service.ProfileTypes).First();

        var views = ProfileTypeNames.Preferred(service.ProfileTypes)
            .Select(t => new FlameView($"{service.Service} {t}", t, FlameTreeBuilder.Build(server.Store.Query(new ProfileQuery(service.Service, t)))))
            .ToList();
        using (var stream = File.Create(demo.OutputHtml))
        {
            HtmlFlameGraphWriter.Write(views, $"otel-profiles demo: {service.Service}", stream);
        }

        var top = TopFunctions.Compute(server.Store.Query(new ProfileQuery(service.Service, type))).Take(10).ToList();
        var grand = top.Count == 0 ? 0 : server.Store.Query(new ProfileQuery(service.Service, type)).Sum(p => p.TotalValue);
        Console.WriteLine();
        Console.Write(TopCommand.Render(service.Service, type, top, grand));
        Console.WriteLine();
        double unnamed = UnnamedFrames.ShareOfSamples(server.Store.Query(new ProfileQuery(service.Service, type)));
        Console.WriteLine(FormattableString.Invariant($"Unnamed frames ([X.dll], [unknown]): {unnamed:P1} of {type} samples"));
        var (blocking, threadPool) = WaitingInCpu.Shares(server.Store.Query(new ProfileQuery(service.Service, type)));
        Console.WriteLine(FormattableString.Invariant($"At blocking waits (Sleep, Monitor.Wait, ...): {blocking:P1}; in the thread pool's wait-for-work frames: {threadPool:P1}"));
        Console.WriteLine("  (a thread's CPU moves off its waits to its other samples; what is left is threads that did nothing else:");
        Console.WriteLine("   see \"CPU\" in docs/profile-types.md)");
        Console.WriteLine();
        Console.Write(DemoSummary.TopFunctionPerType(server.Store, service, environment["OTEL_PROFILES_TYPES"]));
        var url = $"{server.HttpEndpoint}?service={Uri.EscapeDataString(service.Service)}&type={Uri.EscapeDataString(type)}";
        Console.WriteLine($"Flame graph: {url}");
        Console.WriteLine($"HTML file:   {Path.GetFullPath(demo.OutputHtml)}");
        await SpanSummary.PrintAsync(server, TimeSpan.FromSeconds(10), Console.Out, cancellationToken);

        if (!demo.ExitWhenDone)
        {
            Console.WriteLine("The app keeps running and profiles keep arriving; press Ctrl+C to stop.");
            await server.WaitForShutdownAsync(cancellationToken);
        }
    }

    private static async Task<IReadOnlyList<ServiceSummary>> WaitForProfilesAsync(ProfileStore store, TimeSpan timeout, AppProcess app, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        Console.Write("Waiting for the first profiles");
        while (DateTime.UtcNow < deadline && !app.HasExited)
        {
            var services = store.ListServices();
            if (services.Count > 0)
            {
                Console.WriteLine(" received.");
                return services;
            }

            Console.Write('.');
            await Task.Delay(1000, cancellationToken);
        }

        Console.WriteLine();
        return store.ListServices();
    }
}
