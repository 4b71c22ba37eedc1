using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OtelProfiles;

/// <summary>
/// The "traced-web" mode: an ASP.NET Core app on Kestrel (127.0.0.1, a free port) whose traces go by OTLP/HTTP to
/// <c>WORKLOAD_TRACES_ENDPOINT</c> and whose profiles go where the OTEL_* settings say. <c>GET /checkout/{id}</c>
/// burns CPU in <see cref="RequestWork.BurnInRequest"/> between awaits that resume on other threads, inside a
/// <see cref="ProfileTags"/> scope, and answers with its span and the OS threads each part ran on. A background
/// thread alternates a short span with CPU burnt in <see cref="BackgroundWork.BurnOutsideSpans"/>, outside any.
/// </summary>
internal static class TracedWebMode
{
    public const string TracesEndpointVariable = "WORKLOAD_TRACES_ENDPOINT";

    public static bool Handles(string mode) => mode == "traced-web";

    public static async Task RunAsync(int seconds)
    {
        // Enough workers that continuations land on other threads than the ones they left.
        ThreadPool.SetMinThreads(8, 8);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("traced-web"))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource(BackgroundWork.SourceName)
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = new Uri(Environment.GetEnvironmentVariable(TracesEndpointVariable) ?? "http://127.0.0.1:4318/v1/traces");
                    otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                    otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 200;
                }))
            .AddOtlpProfiles();

        await using WebApplication app = builder.Build();
        app.MapGet("/checkout/{id}", (string id) => RequestWork.HandleAsync(id));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"LISTENING {address}");

        var profiler = app.Services.GetRequiredService<ContinuousProfiler>();
        Console.WriteLine(SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)) ? "PROFILER RUNNING" : "PROFILER NOT RUNNING");

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var background = new Thread(() => BackgroundWork.Run(stop.Token)) { IsBackground = true, Name = "untraced-worker" };
        background.Start();
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        background.Join();
        Console.WriteLine($"BACKGROUND THREAD {BackgroundWork.OsThreadId}");
        await app.StopAsync();
        Console.WriteLine("WORKLOAD DONE");
    }
}

/// <summary>The request handler's work: CPU in one known method, between awaits that hop threads.</summary>
internal static class RequestWork
{
    public static async Task<IResult> HandleAsync(string id)
    {
        Activity span = Activity.Current!;
        var threads = new List<long>();
        using (ProfileTags.Set("shop.tier", int.Parse(id, System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? "gold" : "silver"))
        {
            for (int part = 0; part < 4; part++)
            {
                threads.Add(Native.ThreadId());
                BurnInRequest(TimeSpan.FromMilliseconds(80));
                FailInRequest();
                Checksum += AllocateInRequest();
                if (part % 2 == 0)
                {
                    await Task.Delay(5);
                }
                else
                {
                    await Task.Yield();
                }
            }
        }

        return Results.Text($"{id} {span.TraceId.ToHexString()} {span.SpanId.ToHexString()} {string.Join(',', threads)}");
    }

    public static long Checksum;

    /// <summary>An exception thrown and caught inside the request (the exceptions profile).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FailInRequest()
    {
        try
        {
            throw new InvalidOperationException("expected by the span link test");
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>About 4 MB of short-lived arrays inside the request (the allocations profile).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AllocateInRequest()
    {
        long sum = 0;
        for (int i = 0; i < 512; i++)
        {
            byte[] buffer = new byte[8192];
            buffer[i % buffer.Length] = 1;
            sum += buffer.Length;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double BurnInRequest(TimeSpan duration)
    {
        double sum = 0;
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            for (int i = 1; i < 2000; i++)
            {
                sum += Math.Sqrt(i);
            }
        }

        return sum;
    }
}

/// <summary>A thread that runs short spans and, between them, CPU work outside any span.</summary>
internal static class BackgroundWork
{
    public const string SourceName = "Workload";

    private static readonly ActivitySource Source = new(SourceName);

    public static long OsThreadId { get; private set; }

    public static void Run(CancellationToken stop)
    {
        OsThreadId = Native.ThreadId();
        while (!stop.IsCancellationRequested)
        {
            using (Source.StartActivity("background-tick"))
            {
                BurnInBackgroundSpan(TimeSpan.FromMilliseconds(2));
            }

            BurnOutsideSpans(TimeSpan.FromMilliseconds(30));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double BurnInBackgroundSpan(TimeSpan duration) => BurnOutsideSpans(duration);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double BurnOutsideSpans(TimeSpan duration)
    {
        double sum = 0;
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            for (int i = 1; i < 2000; i++)
            {
                sum += Math.Sqrt(i);
            }
        }

        return sum;
    }
}

/// <summary>The OS thread id, as profiles report it in <c>thread.id</c>.</summary>
internal static class Native
{
    public static long ThreadId() => OperatingSystem.IsLinux() ? GetTid() : Environment.CurrentManagedThreadId;

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
