using System.Runtime.CompilerServices;

namespace Shop;

/// <summary>The "lock" mode: threads fighting over one lock, each holding it for a while.</summary>
public static class Ledger
{
    private static readonly object Gate = new();
    private static long _balance;

    public static long Acquisitions;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Post(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            lock (Gate)
            {
                // Hold the lock ~0.5 ms so the other threads queue up behind it.
                long until = System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency / 2000);
                while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
                {
                    _balance++;
                }

                Acquisitions++;
            }
        }
    }
}
