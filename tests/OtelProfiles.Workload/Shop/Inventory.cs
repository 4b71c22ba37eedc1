using System.Runtime.CompilerServices;

namespace Shop;

/// <summary>The "alloc" mode: a known method allocating a known volume, and a second allocator beside it.</summary>
public static class Inventory
{
    public static long Checksum;

    /// <summary>Allocates byte arrays of random sizes until <paramref name="budget"/> bytes or cancellation; returns the bytes allocated.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long BuildCatalog(long budget, CancellationToken token)
    {
        var random = new Random(7);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long checksum = 0;
        while (!token.IsCancellationRequested && GC.GetAllocatedBytesForCurrentThread() - before < budget)
        {
            for (int i = 0; i < 256; i++)
            {
                byte[] page = new byte[random.Next(16, 4096)];
                page[0] = 1;
                checksum += page.Length;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Interlocked.Add(ref Checksum, checksum);
        return allocated;
    }

    /// <summary>Allocates strings, so the allocation profile has more than one allocating method.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FormatLabels(CancellationToken token)
    {
        long total = 0;
        while (!token.IsCancellationRequested)
        {
            for (int i = 0; i < 1000; i++)
            {
                total += string.Concat("sku-", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Length;
            }

            Thread.Sleep(1);
        }

        Interlocked.Add(ref Checksum, total);
    }
}
