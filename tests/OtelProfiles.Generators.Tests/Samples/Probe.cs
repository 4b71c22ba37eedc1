using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace OtelProfiles.Generators.Tests.Samples;

/// <summary>
/// Called from inside every sample body (methods, lambdas, local functions, state machines) with the value the
/// frame's <c>sample.kind</c> tag is expected to have (null: untagged). It records the calling frame as the runtime
/// sees it, which makes the expectation independent of how the resolver finds compiler-generated methods.
/// </summary>
public static class Probe
{
    private static readonly List<ProbeHit> HitList = new();

    /// <summary>Every frame that called <see cref="Hit"/>, with the expected tag value.</summary>
    public static IReadOnlyList<ProbeHit> Hits
    {
        get
        {
            lock (HitList)
            {
                return HitList.ToArray();
            }
        }
    }

    /// <summary>Records the caller's frame with the tag value it should carry.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Hit(string? expectedKind)
    {
        var caller = new StackFrame(1, needFileInfo: false).GetMethod()!;
        lock (HitList)
        {
            HitList.Add(new ProbeHit(caller, expectedKind));
        }

        return 1;
    }
}

/// <summary>A frame seen by <see cref="Probe"/> and the <c>sample.kind</c> value it should carry.</summary>
public sealed record ProbeHit(MethodBase Method, string? ExpectedKind);
