using System.Runtime.CompilerServices;

namespace Shop;

/// <summary>The "retain" mode: one method keeps what it allocates, another allocates far more and keeps nothing.</summary>
public static class Cache
{
    /// <summary>What <see cref="RetainOrders"/> keeps alive until the process ends.</summary>
    public static readonly List<byte[]> Retained = new(200_000);

    public static long Checksum;

    /// <summary>Keeps byte arrays until <paramref name="budget"/> bytes are held; returns the bytes allocated (all retained).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long RetainOrders(long budget, CancellationToken token)
    {
        var random = new Random(11);
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (!token.IsCancellationRequested && GC.GetAllocatedBytesForCurrentThread() - before < budget)
        {
            for (int i = 0; i < 64; i++)
            {
                Retained.Add(new byte[random.Next(256, 8192)]);
            }

            Thread.Sleep(20); // about 4 s to reach the budget, so several intervals see the heap grow
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Allocates short-lived arrays; returns the bytes allocated (none retained).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long ChurnGarbage(CancellationToken token)
    {
        var random = new Random(13);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long checksum = 0;
        while (!token.IsCancellationRequested)
        {
            for (int i = 0; i < 256; i++)
            {
                byte[] scratch = new byte[random.Next(256, 8192)];
                scratch[^1] = 1;
                checksum += scratch.Length;
            }
        }

        Interlocked.Add(ref Checksum, checksum);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
