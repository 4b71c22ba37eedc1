using System.Runtime.CompilerServices;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// Known work for in-process profiles to see, each its own named frame: CPU, allocations and exceptions (the
/// runtime-switching and shared-session tests find these frames by name).
/// </summary>
internal static class KnownWork
{
    /// <summary>Square roots until <paramref name="duration"/> has passed.</summary>
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

    /// <summary>Allocates 1,000 arrays of 1 KB and throws one exception, then again until <paramref name="duration"/> has passed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AllocateAndThrow(TimeSpan duration)
    {
        long total = 0;
        var end = DateTime.UtcNow + duration;
        do
        {
            for (int i = 0; i < 1000; i++)
            {
                total += new byte[1024].Length;
            }

            try
            {
                Throw();
            }
            catch (InvalidOperationException)
            {
                total++;
            }
        }
        while (DateTime.UtcNow < end);

        return total;
    }

    /// <summary>Throws, in a frame of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Throw() => throw new InvalidOperationException("known work");
}
