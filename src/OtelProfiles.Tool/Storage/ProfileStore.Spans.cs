using Microsoft.Data.Sqlite;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Storage;

/// <summary>
/// Spans received over OTLP traces, kept next to the profiles so a span can be shown with the samples linked to it.
/// Each accepted trace request is one row in <c>batches</c> (with an empty payload: the span rows are the data) and
/// one row per span, so the same retention, by age and by size, removes old spans and old profiles alike.
/// </summary>
internal sealed partial class ProfileStore
{
    /// <summary>Spans collected at most for one span and its descendants.</summary>
    public const int MaxSpansPerTrace = 10_000;

    /// <summary>Profiles read at most for one span's flame graph.</summary>
    public const int MaxProfilesPerSpan = 2_000;

    /// <summary>Largest number of spans one listing returns.</summary>
    public const int MaxSpanListLimit = 1_000;

    private const string SpanColumns = "trace_id, span_id, parent_span_id, service, name, kind, start_ns, end_ns, status_code";

    /// <summary>Stores the spans of one accepted trace request in one transaction; returns how many were stored.</summary>
    public int StoreSpans(IReadOnlyList<StoredSpan> spans)
    {
        if (spans.Count == 0)
        {
            return 0;
        }

        // What the rows take, roughly: size retention compares it with the bytes it must free.
        long size = 0;
        foreach (var span in spans)
        {
            size += 96 + span.TraceId.Length + span.SpanId.Length + span.ParentSpanId.Length + (2L * (span.Service.Length + span.Name.Length));
        }

        lock (_writeLock)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();

            // A trace batch keeps no payload: its spans are its rows.
            long batchId = InsertBatch(connection, transaction, size, []);

            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText =
                    $"INSERT INTO spans(batch_id, {SpanColumns}, duration_ns) " +
                    "VALUES ($batch, $trace, $span, $parent, $service, $name, $kind, $start, $end, $status, $duration)";
                var batch = insert.Parameters.Add("$batch", SqliteType.Integer);
                var trace = insert.Parameters.Add("$trace", SqliteType.Text);
                var spanId = insert.Parameters.Add("$span", SqliteType.Text);
                var parent = insert.Parameters.Add("$parent", SqliteType.Text);
                var service = insert.Parameters.Add("$service", SqliteType.Text);
                var name = insert.Parameters.Add("$name", SqliteType.Text);
                var kind = insert.Parameters.Add("$kind", SqliteType.Integer);
                var start = insert.Parameters.Add("$start", SqliteType.Integer);
                var end = insert.Parameters.Add("$end", SqliteType.Integer);
                var status = insert.Parameters.Add("$status", SqliteType.Integer);
                var duration = insert.Parameters.Add("$duration", SqliteType.Integer);
                foreach (var span in spans)
                {
                    batch.Value = batchId;
                    trace.Value = span.TraceId;
                    spanId.Value = span.SpanId;
                    parent.Value = span.ParentSpanId;
                    service.Value = span.Service;
                    name.Value = span.Name;
                    kind.Value = span.Kind;
                    start.Value = span.StartUnixNano;
                    end.Value = span.EndUnixNano;
                    status.Value = span.StatusCode;
                    duration.Value = span.DurationNano;
                    insert.ExecuteNonQuery();
                }
            }

            CommitThenApplyRetention(connection, transaction);
        }

        return spans.Count;
    }

    /// <summary>The spans matching <paramref name="query"/>, slowest first.</summary>
    public IReadOnlyList<StoredSpan> ListSpans(SpanQuery query)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {SpanColumns} FROM spans WHERE ($service IS NULL OR service = $service) " +
            "AND ($name IS NULL OR instr(lower(name), lower($name)) > 0) AND end_ns >= $from AND start_ns <= $to " +
            "ORDER BY duration_ns DESC, id LIMIT $limit";
        command.Parameters.AddWithValue("$service", (object?)query.Service ?? DBNull.Value);
        command.Parameters.AddWithValue("$name", string.IsNullOrEmpty(query.NameContains) ? DBNull.Value : query.NameContains);
        command.Parameters.AddWithValue("$from", query.FromUnixNano ?? long.MinValue);
        command.Parameters.AddWithValue("$to", query.ToUnixNano ?? long.MaxValue);
        command.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, MaxSpanListLimit));
        return ReadSpans(command);
    }

    /// <summary>The services that sent spans, sorted.</summary>
    public IReadOnlyList<string> SpanServices()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT service FROM spans ORDER BY service LIMIT 1000";
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    /// <summary>Number of stored spans.</summary>
    public long SpanCount()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM spans";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Span <paramref name="spanId"/> of trace <paramref name="traceId"/> (lowercase hex), or null when it is not stored.</summary>
    public StoredSpan? FindSpan(string traceId, string spanId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SpanColumns} FROM spans WHERE trace_id = $trace AND span_id = $span ORDER BY id LIMIT 1";
        command.Parameters.AddWithValue("$trace", traceId);
        command.Parameters.AddWithValue("$span", spanId);
        return ReadSpans(command).FirstOrDefault();
    }

    /// <summary>
    /// <paramref name="span"/> and the spans below it (by <c>parent_span_id</c> within its trace), breadth first and
    /// at most <see cref="MaxSpansPerTrace"/>. One indexed lookup per span found, so the cost follows the size of
    /// the subtree, not of the trace; a cycle in bad data ends the walk.
    /// </summary>
    public IReadOnlyList<StoredSpan> SpanWithDescendants(StoredSpan span)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SpanColumns} FROM spans WHERE trace_id = $trace AND parent_span_id = $parent ORDER BY id LIMIT {MaxSpansPerTrace}";
        command.Parameters.AddWithValue("$trace", span.TraceId);
        var parent = command.Parameters.Add("$parent", SqliteType.Text);
        var seen = new HashSet<string>(StringComparer.Ordinal) { span.SpanId };
        var result = new List<StoredSpan> { span };
        for (var next = 0; next < result.Count && result.Count < MaxSpansPerTrace; next++)
        {
            parent.Value = result[next].SpanId;
            foreach (var child in ReadSpans(command))
            {
                if (result.Count < MaxSpansPerTrace && seen.Add(child.SpanId))
                {
                    result.Add(child);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Every profile, of any service and type, whose time range overlaps [<paramref name="fromUnixNano"/>,
    /// <paramref name="toUnixNano"/>], oldest first and at most <see cref="MaxProfilesPerSpan"/>.
    /// </summary>
    public IReadOnlyList<DecodedProfile> ProfilesOverlapping(long fromUnixNano, long toUnixNano)
    {
        var matches = new List<(long BatchId, int Ordinal)>();
        using (var connection = Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText =
                $"SELECT batch_id, ordinal FROM profiles WHERE end_ns >= $from AND start_ns <= $to ORDER BY start_ns, id LIMIT {MaxProfilesPerSpan}";
            command.Parameters.AddWithValue("$from", fromUnixNano);
            command.Parameters.AddWithValue("$to", toUnixNano);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                matches.Add((reader.GetInt64(0), reader.GetInt32(1)));
            }
        }

        var result = new List<DecodedProfile>(matches.Count);
        foreach (var (batchId, ordinal) in matches)
        {
            if (DecodedBatch(batchId) is { } decoded && ordinal < decoded.Count)
            {
                result.Add(decoded[ordinal]);
            }
        }

        return result;
    }

    private static List<StoredSpan> ReadSpans(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var result = new List<StoredSpan>();
        while (reader.Read())
        {
            result.Add(new StoredSpan(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt32(8)));
        }

        return result;
    }

    /// <summary>
    /// Adds the span tables to a database of this schema version: a database written before spans existed gains
    /// them on open, and a build from before spans still reads its profiles (that build's retention would delete
    /// span batches but leave their span rows behind).
    /// </summary>
    private static void CreateSpanTables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS spans(
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES batches(id),
                trace_id TEXT NOT NULL,
                span_id TEXT NOT NULL,
                parent_span_id TEXT NOT NULL,
                service TEXT NOT NULL,
                name TEXT NOT NULL,
                kind INTEGER NOT NULL,
                start_ns INTEGER NOT NULL,
                end_ns INTEGER NOT NULL,
                duration_ns INTEGER NOT NULL,
                status_code INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS spans_by_batch ON spans(batch_id);
            CREATE INDEX IF NOT EXISTS spans_by_trace ON spans(trace_id, span_id);
            CREATE INDEX IF NOT EXISTS spans_by_parent ON spans(trace_id, parent_span_id);
            CREATE INDEX IF NOT EXISTS spans_by_duration ON spans(duration_ns);
            """;
        command.ExecuteNonQuery();
    }
}
