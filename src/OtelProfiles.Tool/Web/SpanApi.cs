using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Formats;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Web;

/// <summary>
/// The JSON API behind the span view: <c>/api/spans</c> lists stored spans slowest first (filters: <c>service</c>,
/// <c>name</c> substring, <c>from</c>/<c>to</c> in Unix milliseconds, <c>limit</c>), and <c>/api/span</c> returns one
/// span (<c>trace</c>, <c>span</c> in hex) with the flame graph of exactly the samples linked to it, or to it and its
/// descendants with <c>children=true</c>, for one profile <c>type</c> (default: CPU when it has linked samples).
/// </summary>
internal static class SpanApi
{
    private const int DefaultLimit = 100;

    public static void Map(IEndpointRouteBuilder routes, ProfileStore store)
    {
        routes.MapGet("/api/spans", (HttpRequest request) => Handle(() =>
        {
            var limitText = request.Query["limit"].ToString();
            var limit = limitText.Length == 0 ? DefaultLimit : ParseLong(limitText, "limit");
            var query = new SpanQuery(
                NullIfEmpty(request.Query["service"].ToString()),
                NullIfEmpty(request.Query["name"].ToString()),
                Millis(request, "from"),
                Millis(request, "to"),
                (int)Math.Clamp(limit, 1, ProfileStore.MaxSpanListLimit));
            var spans = store.ListSpans(query);
            return Json(json =>
            {
                json.WriteStartArray("services");
                foreach (var service in store.SpanServices())
                {
                    json.WriteStringValue(service);
                }

                json.WriteEndArray();
                json.WriteStartArray("spans");
                foreach (var span in spans)
                {
                    WriteSpan(json, span);
                }

                json.WriteEndArray();
            });
        }));

        routes.MapGet("/api/span", (HttpRequest request) => Handle(() =>
        {
            var traceId = HexId(request, "trace", 32);
            var spanId = HexId(request, "span", 16);
            var children = request.Query["children"].ToString() is "true" or "1";
            var linked = SpanSamples.Load(store, traceId, spanId, children);
            if (linked is null)
            {
                return Results.Json(new { error = $"no span {spanId} of trace {traceId} is stored (it may have been removed by retention)" }, statusCode: StatusCodes.Status404NotFound);
            }

            var types = linked.ProfileTypes;
            var asked = request.Query["type"].ToString();
            var type = types.Contains(asked) ? asked : types.Count > 0 ? types[0] : "";
            var profiles = linked.ProfilesByType.GetValueOrDefault(type) ?? [];
            var tree = FlameTreeBuilder.Build(profiles);
            return Json(json =>
            {
                json.WritePropertyName("span");
                WriteSpan(json, linked.Span);
                json.WriteBoolean("children", children);
                json.WriteNumber("spans", linked.Spans.Count);
                json.WriteStartArray("profileTypes");
                foreach (var t in types)
                {
                    json.WriteStartObject();
                    json.WriteString("type", t);
                    json.WriteNumber("total", linked.Total(t));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("profileType", type);
                json.WriteString("unit", ProfileTypeNames.UnitOf(type));
                json.WriteBoolean("diff", false);
                json.WriteNumber("profiles", profiles.Count);
                json.WritePropertyName("tree");
                FlameGraphJson.WriteTree(json, tree, diff: false);
            });
        }));
    }

    private static void WriteSpan(Utf8JsonWriter json, StoredSpan span)
    {
        json.WriteStartObject();
        json.WriteString("traceId", span.TraceId);
        json.WriteString("spanId", span.SpanId);
        json.WriteString("parentSpanId", span.ParentSpanId);
        json.WriteString("service", span.Service);
        json.WriteString("name", span.Name);
        json.WriteNumber("kind", span.Kind);
        json.WriteNumber("status", span.StatusCode);
        json.WriteNumber("startMs", span.StartUnixNano / 1_000_000);
        json.WriteNumber("durationNs", span.DurationNano);
        json.WriteNumber("durationMs", span.DurationNano / 1e6);
        json.WriteEndObject();
    }

    private static IResult Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, FlameGraphJson.WriterOptions))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
    }

    private static IResult Handle(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (FormatException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>A lowercase hex id of <paramref name="digits"/> digits; the message never repeats a long value back.</summary>
    private static string HexId(HttpRequest request, string name, int digits)
    {
        var text = request.Query[name].ToString();
        if (text.Length != digits || !text.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"query parameter '{name}' must be {digits} hex digits");
        }

        return text.ToLowerInvariant();
    }

    private static long? Millis(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        var ms = ParseLong(text, name);
        return ms > long.MaxValue / 1_000_000 ? long.MaxValue : ms < long.MinValue / 1_000_000 ? long.MinValue : ms * 1_000_000;
    }

    private static long ParseLong(string text, string name) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"query parameter '{name}' must be an integer");

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
