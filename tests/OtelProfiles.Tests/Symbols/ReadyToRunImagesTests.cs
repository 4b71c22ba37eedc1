using System.Net;
using System.Net.Sockets;
using Microsoft.Diagnostics.NETCore.Client;
using OtelProfiles.Collection;
using OtelProfiles.Collection.NetTrace;
using OtelProfiles.Symbols;
using OtelProfiles.Symbols.ReadyToRun;
using Xunit.Abstractions;

namespace OtelProfiles.Tests.Symbols;

/// <summary>
/// Names precompiled code from the shared framework's own ReadyToRun images and checks every name against the
/// runtime's: a rundown lists the methods this process runs with their code ranges and names, and each range that
/// lies in a mapped framework image must get the same name from the image alone.
/// </summary>
public sealed class ReadyToRunImagesTests
{
    private readonly ITestOutputHelper _output;

    public ReadyToRunImagesTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Names_precompiled_framework_code_as_the_runtime_does()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the image map reads /proc/self/maps
        }

        UseSocketsAndGenerics();
        List<RundownMethod> methods = RundownMethods();
        NativeImageMap map = NativeImageMap.Capture();
        using var images = new ReadyToRunImages(() => map);

        int compared = 0;
        int generic = 0;
        var files = new HashSet<string>();
        var mismatches = new List<string>();
        foreach (RundownMethod method in methods)
        {
            MappedRegion? region = map.FindRegion(method.Start);
            if (region is null || !region.File.StartsWith("System.", StringComparison.Ordinal) || !region.File.EndsWith(".dll", StringComparison.Ordinal))
            {
                continue; // JIT-compiled code, or not a framework image
            }

            string expected = FrameNameFormatter.Format(method.TypeName, method.MethodName);
            foreach (ulong address in new[] { method.Start, method.Start + (method.Size / 2), method.Start + method.Size - 1 })
            {
                string? actual = images.Resolve(address)?.DisplayName;
                if (actual != expected)
                {
                    mismatches.Add($"{region.File}+0x{address - region.Start:x}: expected {expected}, got {actual ?? "nothing"}");
                }
            }

            compared++;
            generic += method.TypeName.Contains('[', StringComparison.Ordinal) ? 1 : 0;
            files.Add(region.File);
        }

        _output.WriteLine($"{compared} precompiled methods ({generic} in generic instantiations) in {files.Count} images; {mismatches.Count} mismatches");
        mismatches.Take(40).ToList().ForEach(_output.WriteLine);
        Assert.True(compared >= 500, $"only {compared} precompiled methods in the rundown");
        Assert.True(generic >= 50, $"only {generic} generic instantiations in the rundown");
        Assert.Contains("System.Private.CoreLib.dll", files);
        Assert.Contains("System.Net.Sockets.dll", files);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Addresses_outside_precompiled_code_are_not_named()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        NativeImageMap map = NativeImageMap.Capture();
        using var images = new ReadyToRunImages(() => map);
        nint native = System.Runtime.InteropServices.NativeLibrary.GetExport(
            System.Runtime.InteropServices.NativeLibrary.Load("libc.so.6"), "getpid");
        Assert.Null(images.Resolve((ulong)native)); // a native library is not an assembly
        Assert.Null(images.Resolve(0x1000));
    }

    /// <summary>Runs framework code the tests would not otherwise: sockets (the profile that showed unnamed frames) and generics over value types.</summary>
    private static void UseSocketsAndGenerics()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.ConnectAsync(listener.LocalEndPoint!).Wait(TimeSpan.FromSeconds(30));
        using Socket server = listener.AcceptAsync().Result;
        byte[] buffer = new byte[64];
        for (int i = 0; i < 20; i++)
        {
            client.SendAsync(buffer.AsMemory(), SocketFlags.None).AsTask().Wait(TimeSpan.FromSeconds(30));
            int received = 0;
            while (received < buffer.Length)
            {
                received += server.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None).AsTask().Result;
            }
        }

        var counts = new Dictionary<int, long>();
        var queue = new System.Collections.Concurrent.ConcurrentQueue<long>();
        for (int i = 0; i < 1000; i++)
        {
            counts[i % 17] = counts.GetValueOrDefault(i % 17) + i;
            queue.Enqueue(i);
        }

        _ = queue.TryDequeue(out _);
        var list = counts.Values.ToList();
        list.Sort();
    }

    private static List<RundownMethod> RundownMethods()
    {
        var sink = new RundownMethodSink();
        using EventPipeSession session = EventPipeSessions.ForCurrentProcess().StartRundown();
        var reader = new Thread(() => new NetTraceReader().ReadToEnd(session.EventStream, sink));
        reader.Start();
        session.Stop();
        Assert.True(reader.Join(TimeSpan.FromSeconds(120)), "the rundown did not finish");
        return sink.Methods;
    }

    private sealed record RundownMethod(ulong Start, ulong Size, string TypeName, string MethodName);

    private sealed class RundownMethodSink : INetTraceEventSink
    {
        public List<RundownMethod> Methods { get; } = new();

        public void OnHeader(NetTraceHeader header)
        {
        }

        public void OnEvent(in NetTraceEvent traceEvent)
        {
            if (traceEvent.Metadata.ProviderName != RuntimeEvents.RundownProvider || traceEvent.Metadata.EventId != RuntimeEvents.MethodDCEndVerbose)
            {
                return;
            }

            var reader = new PayloadReader(traceEvent.Payload);
            _ = reader.ReadUInt64(); // method id
            _ = reader.ReadUInt64(); // module id
            ulong start = reader.ReadUInt64();
            uint size = reader.ReadUInt32();
            _ = reader.ReadUInt32(); // token
            _ = reader.ReadUInt32(); // flags
            string typeName = reader.ReadStringSpan().ToString();
            string methodName = reader.ReadStringSpan().ToString();
            if (size > 0)
            {
                Methods.Add(new RundownMethod(start, size, typeName, methodName));
            }
        }
    }
}
