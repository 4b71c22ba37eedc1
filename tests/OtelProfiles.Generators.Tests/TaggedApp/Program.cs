using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;
using OtelProfiles;
using OtelProfiles.Tags;

// Usage: TaggedApp <seconds>. Profiling settings come from OTEL_* environment variables set by the test.
var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;

var builder = Host.CreateApplicationBuilder();
builder.Services.AddOpenTelemetry()
    .ConfigureResource(r => r.AddService("tagged-app"))
    .AddOtlpProfiles();

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("TAGGED APP STARTED");

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
var token = stop.Token;
await Task.WhenAll(
    Task.Factory.StartNew(() => TaggedWork.SyncWork(token), TaskCreationOptions.LongRunning),
    Task.Run(() => TaggedWork.AsyncWork(token)),
    Task.Factory.StartNew(() => new GenericWork<string>().Run("s", token), TaskCreationOptions.LongRunning),
    Task.Factory.StartNew(() => TaggedWork.LambdaWork(token), TaskCreationOptions.LongRunning),
    Task.Factory.StartNew(() => TaggedWork.UntaggedWork(token), TaskCreationOptions.LongRunning));

Console.WriteLine(FormattableString.Invariant($"TAGGED APP DONE checksum={TaggedWork.Checksum}"));
await host.StopAsync();

/// <summary>Hot methods, each tagged with its own e2e.kind (UntaggedWork: none).</summary>
public static class TaggedWork
{
    private static double _checksum;

    public static double Checksum => Volatile.Read(ref _checksum);

    [ProfileTag("e2e.kind", "sync")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void SyncWork(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Publish(Burn(200_000));
        }
    }

    [ProfileTag("e2e.kind", "async")]
    public static async Task AsyncWork(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            await Task.Yield();
            Publish(Burn(200_000));
        }
    }

    [ProfileTag("e2e.kind", "lambda")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void LambdaWork(CancellationToken token)
    {
        var scale = 2.0;
        Func<int, double> step = n => Burn(n) * scale;
        while (!token.IsCancellationRequested)
        {
            Publish(step(200_000));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void UntaggedWork(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Publish(Burn(200_000));
        }
    }

    /// <summary>Untagged CPU work shared by all: its samples are tagged only through the caller.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double Burn(int iterations)
    {
        var x = 1.0;
        for (var i = 0; i < iterations; i++)
        {
            x = Math.Sqrt(x + i) * 1.000001;
        }

        return x;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Publish(double value) => Volatile.Write(ref _checksum, value);
}

/// <summary>A generic type; run with a reference type argument, so its code is shared (System.__Canon).</summary>
public sealed class GenericWork<T>
{
    [ProfileTag("e2e.kind", "generic")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Run(T item, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            TaggedWork.Publish(TaggedWork.Burn(200_000) + (item is null ? 0 : 1));
        }
    }
}
