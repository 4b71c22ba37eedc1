using OtelProfiles.Symbols;

namespace OtelProfiles.Benchmarks.Micro;

/// <summary>
/// Deterministic, service-like stacks for the microbenchmarks: a pool of managed methods with real-looking runtime
/// names (async state machines, lambdas, generics) at made-up code addresses, and stacks drawn as walks down a call
/// tree, so they share their outer frames the way real stacks do and differ further in.
/// </summary>
internal sealed class SyntheticStacks
{
    private const ulong CodeBase = 0x7f00_1000_0000;
    private const ulong MethodSpacing = 0x1000;
    private const ulong MethodSize = 0x800;

    private static readonly string[] Namespaces =
    [
        "Shop.Api.Endpoints", "Shop.Domain.Pricing", "Shop.Domain.Orders", "Shop.Infrastructure.Storage",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http",
        "System.Text.Json.Serialization.Converters", "System.Threading.Tasks", "System.Collections.Generic",
        "System.Net.Sockets", "Microsoft.Extensions.DependencyInjection.ServiceLookup", "Npgsql.Internal",
    ];

    private readonly ulong[][] _stacks;

    public SyntheticStacks(int methods, int stacks, int seed = 42)
    {
        Methods = new MethodAddressMap();
        for (int m = 0; m < methods; m++)
        {
            (string type, string method) = Name(m);
            Methods.Add(CodeBase + ((ulong)m * MethodSpacing), MethodSize, 0x10000 + (ulong)m, type, method, Module(m));
        }

        var random = new Random(seed);
        _stacks = new ulong[stacks][];
        for (int s = 0; s < stacks; s++)
        {
            int depth = 12 + random.Next(40);
            var frames = new ulong[depth];
            int node = 0;
            for (int level = 0; level < depth; level++)
            {
                // Three callees per method: outer frames repeat across stacks, inner ones diverge.
                node = ((node * 31) + 7 + random.Next(3)) % methods;
                ulong callSite = (ulong)random.Next(4) * 0x40;
                frames[depth - 1 - level] = CodeBase + ((ulong)node * MethodSpacing) + 0x20 + callSite;
            }

            _stacks[s] = frames;
        }
    }

    /// <summary>The method map the addresses resolve against.</summary>
    public MethodAddressMap Methods { get; }

    public int Count => _stacks.Length;

    /// <summary>Stack <paramref name="index"/>, innermost frame first.</summary>
    public ulong[] this[int index] => _stacks[index];

    private static (string Type, string Method) Name(int m)
    {
        string ns = Namespaces[m % Namespaces.Length];
        return (m % 5) switch
        {
            0 => ($"{ns}.OrderService+<GetOrder{m}Async>d__{m % 17}", "MoveNext"),
            1 => ($"{ns}.Handler{m}+<>c", $"<Map>b__{m % 9}_0"),
            2 => ($"System.Collections.Generic.Dictionary`2[System.String,{ns}.Entity{m}]", "TryInsert"),
            3 => ($"{ns}.Repository{m}", $"Load{m}"),
            _ => ($"{ns}.Calculator{m}", $"Compute{m}"),
        };
    }

    private static string Module(int m) => Namespaces[m % Namespaces.Length].Split('.')[0] switch
    {
        "Shop" => "Shop.dll",
        "Npgsql" => "Npgsql.dll",
        "Microsoft" => "Microsoft.AspNetCore.dll",
        _ => "System.Private.CoreLib.dll",
    };
}
