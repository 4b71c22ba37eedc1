using System.Runtime.CompilerServices;

namespace Shop;

/// <summary>The "throw" mode: a method that throws a known exception type, counted by its caller.</summary>
public static class Payments
{
    public static long Declined;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Authorize(int amount)
    {
        if (amount >= 0)
        {
            throw new PaymentDeclinedException(amount);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Checkout(CancellationToken token)
    {
        int amount = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                Authorize(amount++);
            }
            catch (PaymentDeclinedException)
            {
                Declined++;
            }

            if (amount % 50 == 0)
            {
                Thread.Sleep(1);
            }
        }
    }
}

public sealed class PaymentDeclinedException(int amount) : Exception("declined: " + amount);
