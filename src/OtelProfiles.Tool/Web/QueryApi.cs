using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Formats;
using OtelProfiles.Tool.Receiver;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Web;

/// <summary>
/// The JSON API behind the web UI (and handy with curl). Times are Unix milliseconds; filters are repeated
/// <c>filter=key=value</c> parameters; <c>gauge=average|latest</c> says how in-use memory snapshots over a range are
/// combined (average by default, never summed). Every endpoint reads the store only.
/// </summary>
internal static class QueryApi
{
    private const int MaxLabelValues = 200;

    public static void Map(IEndpointRouteBuilder routes, ProfileStore store, IngestService ingest)
    {
        routes.MapGet("/healthz", () =>
        {
            var (profiles, batches, bytes) = store.Statistics();
            return Results.Json(new { status = "ok", profiles, batches, bytes, accepted = ingest.AcceptedRequests, rejected = ingest.RejectedRequests });
        });

        routes.MapGet("/api/services", () => Results.Json(store.ListServices().Select(s => new
        {
            service = s.Service,
            profileTypes = s.ProfileTypes,
            firstMs = s.FirstUnixNano / 1_000_000,
            lastMs = s.LastUnixNano / 1_000_000,
            profiles = s.ProfileCount,
        })));

        routes.MapGet("/api/labels", (HttpRequest request) => Handle(() =>
        {
            var (query, _) = ParseSide(request, "");
            var labels = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            foreach (var sample in store.Query(query).SelectMany(p => p.Samples))
            {
                foreach (var attribute in sample.Attributes)
                {
                    if (!labels.TryGetValue(attribute.Key, out var values))
                    {
                        values = new SortedSet<string>(StringComparer.Ordinal);
                        labels[attribute.Key] = values;
                    }

                    if (values.Count < MaxLabelValues)
                    {
                        values.Add(attribute.Value);
                    }
                }
            }

            return Results.Json(labels);
        }));

        routes.MapGet("/api/flamegraph", (HttpRequest request) => Handle(() =>
        {
            var (query, filter) = ParseSide(request, "");
            var profiles = store.Query(query);
            var gauge = Gauge(request);
            var tree = FlameTreeBuilder.Build(profiles, filter, gauge);
            return TreeResult(tree, query.ProfileType, diff: false, profiles.Count, 0, gauge);
        }));

        routes.MapGet("/api/timeline", (HttpRequest request) => Handle(() =>
        {
            var (query, filter) = ParseSide(request, "");
            var gauge = Gauge(request);
            var buckets = int.TryParse(request.Query["buckets"], out var b) && b > 0 ? b : 120;
            var profiles = store.Query(query);
            var series = Timeline.Build(profiles, filter, query.FromUnixNano, query.ToUnixNano, buckets, gauge);
            var isGauge = GaugeAggregation.IsGauge(query.ProfileType);
            return Results.Json(new
            {
                profileType = query.ProfileType,
                unit = ProfileTypeNames.UnitOf(query.ProfileType),
                aggregation = isGauge ? GaugeAggregation.Name(gauge) : "sum",
                profiles = profiles.Count,
                fromMs = series.RangeFromUnixNano / 1_000_000,
                toMs = series.RangeToUnixNano / 1_000_000,
                originMs = series.FromUnixNano / 1_000_000,
                bucketMs = series.BucketNanos / 1_000_000,
                values = series.Values,
            });
        }));

        routes.MapGet("/api/diff", (HttpRequest request) => Handle(() =>
        {
            var (comparison, filter) = ParseSide(request, "");
            var (baseline, baseFilter) = ParseSide(request, "base", fallbackType: comparison.ProfileType);
            var baseProfiles = store.Query(baseline);
            var profiles = store.Query(comparison);
            var gauge = Gauge(request);
            var tree = FlameTreeBuilder.BuildDiff(baseProfiles, profiles, baseFilter, filter, gauge);
            return TreeResult(tree, comparison.ProfileType, diff: true, profiles.Count, baseProfiles.Count, gauge);
        }));

        routes.MapGet("/api/top", (HttpRequest request) => Handle(() =>
        {
            var (query, filter) = ParseSide(request, "");
            var limit = int.TryParse(request.Query["limit"], out var l) && l > 0 ? l : 100;
            var rows = TopFunctions.Compute(store.Query(query), filter, Gauge(request)).Take(limit);
            return Results.Json(rows.Select(r => new { name = r.Name, self = r.Self, total = r.Total }));
        }));

        routes.MapGet("/api/flamegraph.html", (HttpRequest request) => Handle(() =>
        {
            var (query, filter) = ParseSide(request, "");
            var tree = FlameTreeBuilder.Build(store.Query(query), filter, Gauge(request));
            using var buffer = new MemoryStream();
            var title = $"{query.Service} {query.ProfileType}";
            HtmlFlameGraphWriter.Write([new FlameView(title, query.ProfileType, tree)], title, buffer);
            return Results.File(buffer.ToArray(), "text/html; charset=utf-8", "flamegraph.html");
        }));
    }

    private static IResult Handle(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (FormatException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>Reads service, type, from, to and filters; <paramref name="prefix"/> "base" reads baseService, baseFrom...</summary>
    private static (ProfileQuery Query, SampleFilter Filter) ParseSide(HttpRequest request, string prefix, string? fallbackType = null)
    {
        string Name(string name) => prefix.Length == 0 ? name : prefix + char.ToUpperInvariant(name[0]) + name[1..];
        var service = request.Query[Name("service")].ToString();
        if (service.Length == 0)
        {
            throw new ArgumentException($"query parameter '{Name("service")}' is required");
        }

        var type = request.Query[Name("type")].ToString();
        if (type.Length == 0)
        {
            type = fallbackType ?? throw new ArgumentException($"query parameter '{Name("type")}' is required (for example cpu:samples/count)");
        }

        var query = new ProfileQuery(service, type, Millis(request, Name("from")), Millis(request, Name("to")));
        var filter = new SampleFilter(request.Query[Name("filter")].Where(f => !string.IsNullOrEmpty(f)).Select(f => f!));
        return (query, filter);
    }

    private static GaugeMode Gauge(HttpRequest request) => GaugeAggregation.Parse(request.Query["gauge"].ToString(), "query parameter 'gauge'");

    private static long? Millis(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            throw new FormatException($"query parameter '{name}' must be Unix milliseconds, got '{text}'");
        }

        return ms * 1_000_000;
    }

    private static IResult TreeResult(FlameNode tree, string profileType, bool diff, int profiles, int baseProfiles, GaugeMode gauge)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, FlameGraphJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("profileType", profileType);
            json.WriteString("unit", ProfileTypeNames.UnitOf(profileType));
            json.WriteBoolean("diff", diff);
            json.WriteString("aggregation", GaugeAggregation.IsGauge(profileType) ? GaugeAggregation.Name(gauge) : "sum");
            json.WriteNumber("profiles", profiles);
            json.WriteNumber("baseProfiles", baseProfiles);
            json.WritePropertyName("tree");
            FlameGraphJson.WriteTree(json, tree, diff);
            json.WriteEndObject();
        }

        return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
    }
}
