using System.Runtime.CompilerServices;
using OtelProfiles.Tags;

namespace OtelProfiles.Generators.Tests.Samples;

// Every shape the resolver must map back to its [ProfileTag]. Each body calls Probe.Hit with the sample.kind value
// the frame must carry. The generator runs on this file as part of the test assembly, exactly as in an application.

public interface IWork
{
    int Run();

    int Weight { get; }
}

public class Plain : IWork
{
    private int _value;

    [ProfileTag("sample.kind", "ctor")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public Plain() => _value = Probe.Hit("ctor");

    [ProfileTag("sample.kind", "cctor")]
    static Plain() => Probe.Hit("cctor");

    [ProfileTag("sample.kind", "property")]
    public int Value
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => _value + Probe.Hit("property");
        [MethodImpl(MethodImplOptions.NoInlining)]
        set => _value = value + Probe.Hit("property");
    }

    int IWork.Weight
    {
        [ProfileTag("sample.kind", "explicit.getter")]
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => Probe.Hit("explicit.getter");
    }

    [ProfileTag("sample.kind", "sync")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Overload(int x) => x + Probe.Hit("sync");

    // Untagged overload: its frames must stay untagged.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Overload(string s) => s.Length + Probe.Hit(null);

    [ProfileTag("sample.kind", "static")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Static() => Probe.Hit("static");

    [ProfileTag("sample.kind", "explicit")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    int IWork.Run() => Probe.Hit("explicit");

    [ProfileTag("sample.kind", "generic.method")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public T Echo<T>(T value)
    {
        Probe.Hit("generic.method");
        return value;
    }

    [ProfileTag("sample.kind", "async")]
    public async Task<int> WorkAsync(int x)
    {
        Probe.Hit("async");
        await Task.Yield();
        Func<int> lambda = () => x + Probe.Hit("async");
        return lambda() + Probe.Hit("async");
    }

    [ProfileTag("sample.kind", "iterator")]
    public IEnumerable<int> Items()
    {
        yield return Probe.Hit("iterator");
        yield return Probe.Hit("iterator");
    }

    [ProfileTag("sample.kind", "async.iterator")]
    public async IAsyncEnumerable<int> Stream()
    {
        await Task.Yield();
        yield return Probe.Hit("async.iterator");
    }

    [ProfileTag("sample.kind", "lambdas")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int WithLambdas(int x)
    {
        Func<int, int> plain = a => a + Probe.Hit("lambdas");
        Func<int, int> capturing = a => a + x + Probe.Hit("lambdas");
        Func<int> usesThis = () => _value + Probe.Hit("lambdas");
        int Local(int y) => y + Probe.Hit("lambdas");
        int LocalCapturing(int y) => y + x + Probe.Hit("lambdas");
        static int StaticLocal(int y) => y + Probe.Hit("lambdas");
        async Task<int> LocalAsync()
        {
            await Task.Yield();
            return x + Probe.Hit("lambdas");
        }

        Func<int> nested = () =>
        {
            Func<int> inner = () => x + Probe.Hit("lambdas");
            return inner();
        };

        return plain(1) + capturing(2) + usesThis() + Local(3) + LocalCapturing(4) + StaticLocal(5) + LocalAsync().Result + nested();
    }

    // Untagged method with its own lambdas: none of its frames may pick up tags.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Untagged(int x)
    {
        Func<int, int> plain = a => a + Probe.Hit(null);
        Func<int, int> capturing = a => a + x + Probe.Hit(null);
        return plain(1) + capturing(2) + Probe.Hit(null);
    }

    /// <summary>Calls every sample once.</summary>
    public static async Task RunAllAsync()
    {
        var plain = new Plain();
        plain.Value = plain.Value + 1;
        IWork work = plain;
        _ = work.Run() + work.Weight;
        _ = plain.Overload(1) + plain.Overload("one") + Static();
        _ = plain.Echo(1) + plain.Echo("s").Length;
        _ = await plain.WorkAsync(2);
        _ = plain.Items().Sum();
        await foreach (var item in plain.Stream())
        {
            _ = item;
        }

        _ = plain.WithLambdas(3) + plain.Untagged(4);
        _ = new Generic<int>().Get(1) + new Generic<string>().Get("s").Length;
        _ = new Generic<string>.Nested().Deep();
        _ = await new Generic<string>().GetAsync("x");
        _ = await new Generic<int>().GetAsync(1);
        var typed = new TypeLevel();
        _ = typed.Inherits() + typed.Overrides();
        _ = Outer.RunHidden();
        _ = new Amount { Cents = 1 }.Twice();
    }
}

public class Generic<T>
{
    [ProfileTag("sample.kind", "generic.type")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public T Get(T value)
    {
        Probe.Hit("generic.type");
        Func<T> lambda = () =>
        {
            Probe.Hit("generic.type");
            return value;
        };
        return lambda();
    }

    [ProfileTag("sample.kind", "generic.async")]
    public async Task<T> GetAsync(T value)
    {
        await Task.Yield();
        Probe.Hit("generic.async");
        return value;
    }

    public class Nested
    {
        [ProfileTag("sample.kind", "generic.nested")]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public int Deep() => Probe.Hit("generic.nested");
    }
}

[ProfileTag("sample.kind", "type.level")]
[ProfileTag("sample.scope", "type")]
public class TypeLevel
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Inherits() => Probe.Hit("type.level");

    // The method's own value beats the type's for the same key.
    [ProfileTag("sample.kind", "method.beats.type")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Overrides() => Probe.Hit("method.beats.type");
}

public static class Outer
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int RunHidden() => new Hidden().Work() + Probe.Hit(null);

    private sealed class Hidden
    {
        [ProfileTag("sample.kind", "private.nested")]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public int Work() => Probe.Hit("private.nested");
    }
}

public struct Amount
{
    public long Cents;

    [ProfileTag("sample.kind", "struct")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public readonly long Twice() => (Cents * 2) + Probe.Hit("struct");
}
