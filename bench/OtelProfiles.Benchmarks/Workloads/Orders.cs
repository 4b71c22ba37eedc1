namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>Realistic order documents: nested objects, strings, decimals, dates, enums, optional fields.</summary>
public sealed record Order(
    Guid Id,
    string Number,
    DateTimeOffset PlacedAt,
    OrderStatus Status,
    Customer Customer,
    Address ShippingAddress,
    Address? BillingAddress,
    IReadOnlyList<OrderLine> Lines,
    IReadOnlyDictionary<string, string> Tags,
    decimal Total,
    string? Notes);

public sealed record Customer(int Id, string Name, string Email, bool IsPremium, DateOnly MemberSince);

public sealed record Address(string Street, string City, string PostalCode, string Country);

public sealed record OrderLine(string Sku, string Title, int Quantity, decimal UnitPrice, decimal Discount, IReadOnlyList<string> Categories);

public enum OrderStatus
{
    Placed,
    Paid,
    Shipped,
    Delivered,
}

/// <summary>Makes orders deterministically from a seed, so every job serializes the same documents.</summary>
public static class OrderFactory
{
    private static readonly string[] Cities = ["Lisbon", "Berlin", "Osaka", "Toronto", "Nairobi", "Lima"];
    private static readonly string[] Categories = ["books", "garden", "toys", "kitchen", "outdoor", "music", "office"];

    public static Order Create(int seed)
    {
        var random = new Random(seed);
        int lineCount = 3 + random.Next(12);
        var lines = new List<OrderLine>(lineCount);
        decimal total = 0;
        for (int i = 0; i < lineCount; i++)
        {
            decimal price = Math.Round((decimal)(random.NextDouble() * 120 + 1), 2);
            int quantity = 1 + random.Next(5);
            decimal discount = random.Next(4) == 0 ? Math.Round(price * 0.1m, 2) : 0;
            total += (price - discount) * quantity;
            lines.Add(new OrderLine(
                $"SKU-{seed % 997:D4}-{i:D2}",
                $"Product {random.Next(10_000)} with a reasonably descriptive title",
                quantity,
                price,
                discount,
                [Categories[random.Next(Categories.Length)], Categories[random.Next(Categories.Length)]]));
        }

        string city = Cities[random.Next(Cities.Length)];
        var shipping = new Address($"{random.Next(1, 400)} Market Street", city, $"{random.Next(10_000, 99_999)}", "XX");
        return new Order(
            new Guid(random.Next(), (short)random.Next(short.MaxValue), (short)random.Next(short.MaxValue), new byte[] { 1, 2, 3, 4, 5, 6, 7, (byte)seed }),
            $"ORD-{seed:D8}",
            new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(seed),
            (OrderStatus)(seed % 4),
            new Customer(seed % 5000, $"Customer {seed % 5000}", $"customer{seed % 5000}@example.com", seed % 7 == 0, new DateOnly(2020, 1, 1).AddDays(seed % 1500)),
            shipping,
            seed % 3 == 0 ? shipping with { Street = "PO Box " + (seed % 900) } : null,
            lines,
            new Dictionary<string, string> { ["channel"] = seed % 2 == 0 ? "web" : "mobile", ["region"] = city.ToLowerInvariant() },
            Math.Round(total, 2),
            seed % 5 == 0 ? "Leave the parcel with the neighbour if nobody is home." : null);
    }
}
