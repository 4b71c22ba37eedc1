using System.Runtime.CompilerServices;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// CPU-bound business logic with a realistic call depth (order → line → rules → tax) so sampled stacks look like a
/// service's, not a single tight loop.
/// </summary>
public static class Pricing
{
    private static readonly IDiscountRule[] Rules = [new VolumeDiscount(), new LoyaltyDiscount(), new SeasonalDiscount()];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double PriceOrder(int orderId, int lines)
    {
        double total = 0;
        for (int line = 0; line < lines; line++)
        {
            total += PriceLine(orderId, line);
        }

        return total + Tax(total, orderId);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double PriceLine(int orderId, int line)
    {
        double unit = 5 + ((orderId * 31 + line * 17) % 200) / 3.0;
        int quantity = 1 + ((orderId + line) % 7);
        double price = unit * quantity;
        foreach (IDiscountRule rule in Rules)
        {
            price = rule.Apply(price, orderId, line);
        }

        return price;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Tax(double total, int orderId)
    {
        // Stands for a rate table lookup with some arithmetic per bracket.
        double tax = 0;
        for (int bracket = 1; bracket <= 40; bracket++)
        {
            tax += Math.Sqrt(total * bracket) * Math.Sin(orderId + bracket) * 0.001;
        }

        return tax;
    }

    private interface IDiscountRule
    {
        double Apply(double price, int orderId, int line);
    }

    private sealed class VolumeDiscount : IDiscountRule
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public double Apply(double price, int orderId, int line)
        {
            double factor = 1;
            for (int tier = 1; tier <= 20; tier++)
            {
                factor -= Math.Log(tier + price) * 0.0001;
            }

            return price * factor;
        }
    }

    private sealed class LoyaltyDiscount : IDiscountRule
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public double Apply(double price, int orderId, int line) =>
            orderId % 3 == 0 ? price * (0.97 - (Math.Cos(line) * 0.01)) : price;
    }

    private sealed class SeasonalDiscount : IDiscountRule
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public double Apply(double price, int orderId, int line)
        {
            double adjustment = 0;
            for (int day = 0; day < 10; day++)
            {
                adjustment += Math.Sin(day + orderId) * Math.Exp(-day * 0.1);
            }

            return price * (1 - (Math.Abs(adjustment) * 0.001));
        }
    }
}
