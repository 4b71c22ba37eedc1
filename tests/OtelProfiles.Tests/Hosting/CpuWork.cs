using System.Runtime.CompilerServices;

namespace OtelProfiles.Tests.Hosting;

/// <summary>CPU work for in-process profiling tests that need the sampler to see something, not a particular frame.</summary>
internal static class CpuWork
{
    /// <summary>Spins on arithmetic for <paramref name="duration"/>; the result keeps the loop from being optimised away.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double Burn(TimeSpan duration)
    {
        double x = 0;
        var end = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < end)
        {
            for (int i = 1; i < 10_000; i++)
            {
                x += Math.Sqrt(i);
            }
        }

        return x;
    }
}
