using Microsoft.Data.Sqlite;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Tool.Decoding;
using OtelProfiles.Tool.Model;

namespace OtelProfiles.Tool.Storage;

/// <summary>
/// Received requests in SQLite. Each accepted request is stored as its validated protobuf bytes (a "batch") plus one
/// index row per profile (service, type, time range), written in a single transaction so a crash or a bad request
/// can never leave half a batch behind. Queries find batches through the index and decode them on demand; decoded
/// batches are cached because the UI asks for the same range repeatedly.
/// </summary>
internal sealed class ProfileStore : IDisposable
{
    private const int SchemaVersion = 1;
    private const int DecodedCacheSize = 256;

    private readonly string _connectionString;
    private readonly RetentionPolicy _retention;
    private readonly Lock _writeLock = new();
    private readonly Lock _cacheLock = new();
    private readonly Dictionary<long, IReadOnlyList<DecodedProfile>> _decoded = [];
    private readonly Queue<long> _decodedOrder = new();
    private readonly TimeProvider _time;

    public ProfileStore(string databasePath, RetentionPolicy retention, TimeProvider? time = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true }.ToString();
        _retention = retention;
        _time = time ?? TimeProvider.System;
        DatabasePath = databasePath;
        InitializeSchema();
    }

    public string DatabasePath { get; }

    /// <summary>Stores an accepted request; returns the number of profiles indexed (0 stores nothing).</summary>
    public int Store(ReadOnlySpan<byte> payload, ExportProfilesServiceRequest request)
    {
        var profiles = OtlpDecoder.Summarize(request);
        if (profiles.Count == 0)
        {
            return 0;
        }

        var bytes = payload.ToArray();
        lock (_writeLock)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            long batchId;
            using (var insertBatch = connection.CreateCommand())
            {
                insertBatch.Transaction = transaction;
                insertBatch.CommandText = "INSERT INTO batches(received_unix_ms, size, payload) VALUES ($received, $size, $payload); SELECT last_insert_rowid();";
                insertBatch.Parameters.AddWithValue("$received", _time.GetUtcNow().ToUnixTimeMilliseconds());
                insertBatch.Parameters.AddWithValue("$size", bytes.Length);
                insertBatch.Parameters.AddWithValue("$payload", bytes);
                batchId = (long)insertBatch.ExecuteScalar()!;
            }

            using (var insertProfile = connection.CreateCommand())
            {
                insertProfile.Transaction = transaction;
                insertProfile.CommandText =
                    "INSERT INTO profiles(batch_id, ordinal, service, profile_type, start_ns, end_ns, sample_count) " +
                    "VALUES ($batch, $ordinal, $service, $type, $start, $end, $samples)";
                var batch = insertProfile.Parameters.Add("$batch", SqliteType.Integer);
                var ordinal = insertProfile.Parameters.Add("$ordinal", SqliteType.Integer);
                var service = insertProfile.Parameters.Add("$service", SqliteType.Text);
                var type = insertProfile.Parameters.Add("$type", SqliteType.Text);
                var start = insertProfile.Parameters.Add("$start", SqliteType.Integer);
                var end = insertProfile.Parameters.Add("$end", SqliteType.Integer);
                var samples = insertProfile.Parameters.Add("$samples", SqliteType.Integer);
                for (var i = 0; i < profiles.Count; i++)
                {
                    batch.Value = batchId;
                    ordinal.Value = i;
                    service.Value = profiles[i].Service;
                    type.Value = profiles[i].ProfileType;
                    start.Value = profiles[i].StartUnixNano;
                    end.Value = profiles[i].EndUnixNano;
                    samples.Value = profiles[i].SampleCount;
                    insertProfile.ExecuteNonQuery();
                }
            }

            transaction.Commit();
            ApplyRetention(connection);
        }

        return profiles.Count;
    }

    /// <summary>Services with their profile types and time span, sorted by name.</summary>
    public IReadOnlyList<ServiceSummary> ListServices()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT service, group_concat(DISTINCT profile_type), min(start_ns), max(end_ns), count(*) FROM profiles GROUP BY service ORDER BY service";
        using var reader = command.ExecuteReader();
        var result = new List<ServiceSummary>();
        while (reader.Read())
        {
            var types = reader.GetString(1).Split(',').Order(StringComparer.Ordinal).ToArray();
            result.Add(new ServiceSummary(reader.GetString(0), types, reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return result;
    }

    /// <summary>The profiles matching <paramref name="query"/>, oldest first.</summary>
    public IReadOnlyList<DecodedProfile> Query(ProfileQuery query)
    {
        var matches = new List<(long BatchId, int Ordinal)>();
        using (var connection = Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText =
                "SELECT batch_id, ordinal FROM profiles WHERE service = $service AND profile_type = $type " +
                "AND end_ns >= $from AND start_ns <= $to ORDER BY start_ns, id";
            command.Parameters.AddWithValue("$service", query.Service);
            command.Parameters.AddWithValue("$type", query.ProfileType);
            command.Parameters.AddWithValue("$from", query.FromUnixNano ?? long.MinValue);
            command.Parameters.AddWithValue("$to", query.ToUnixNano ?? long.MaxValue);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                matches.Add((reader.GetInt64(0), reader.GetInt32(1)));
            }
        }

        var result = new List<DecodedProfile>(matches.Count);
        foreach (var (batchId, ordinal) in matches)
        {
            var decoded = DecodedBatch(batchId);
            if (decoded is not null && ordinal < decoded.Count)
            {
                result.Add(decoded[ordinal]);
            }
        }

        return result;
    }

    /// <summary>Number of stored profiles and stored payload bytes (for health output and tests).</summary>
    public (long Profiles, long Batches, long Bytes) Statistics()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM profiles), (SELECT count(*) FROM batches), (SELECT coalesce(sum(size), 0) FROM batches)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public void Dispose()
    {
        // Pooled connections keep the file open (and on some systems locked) until the pool is cleared.
        SqliteConnection.ClearAllPools();
    }

    private IReadOnlyList<DecodedProfile>? DecodedBatch(long batchId)
    {
        lock (_cacheLock)
        {
            if (_decoded.TryGetValue(batchId, out var cached))
            {
                return cached;
            }
        }

        byte[] payload;
        using (var connection = Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT payload FROM batches WHERE id = $id";
            command.Parameters.AddWithValue("$id", batchId);
            if (command.ExecuteScalar() is not byte[] bytes)
            {
                return null; // deleted by retention between the index query and now
            }

            payload = bytes;
        }

        // Stored payloads passed validation on the way in; parse without re-validating.
        var decoded = OtlpDecoder.Decode(ExportProfilesServiceRequest.Parser.ParseFrom(payload));
        lock (_cacheLock)
        {
            if (_decoded.TryAdd(batchId, decoded))
            {
                _decodedOrder.Enqueue(batchId);
                while (_decodedOrder.Count > DecodedCacheSize)
                {
                    _decoded.Remove(_decodedOrder.Dequeue());
                }
            }
        }

        return decoded;
    }

    private void ApplyRetention(SqliteConnection connection)
    {
        var cutoff = (_time.GetUtcNow() - _retention.MaxAge).ToUnixTimeMilliseconds();
        var deleted = new List<long>();
        using (var old = connection.CreateCommand())
        {
            old.CommandText = "SELECT id FROM batches WHERE received_unix_ms < $cutoff";
            old.Parameters.AddWithValue("$cutoff", cutoff);
            using var reader = old.ExecuteReader();
            while (reader.Read())
            {
                deleted.Add(reader.GetInt64(0));
            }
        }

        using (var sizes = connection.CreateCommand())
        {
            // Oldest first; keep the newest batch even when it alone exceeds the limit, or the receiver would
            // accept data and immediately lose it.
            sizes.CommandText = "SELECT id, size FROM batches ORDER BY id DESC";
            using var reader = sizes.ExecuteReader();
            long kept = 0;
            var first = true;
            while (reader.Read())
            {
                kept += reader.GetInt64(1);
                if (!first && kept > _retention.MaxBytes)
                {
                    deleted.Add(reader.GetInt64(0));
                }

                first = false;
            }
        }

        if (deleted.Count == 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM profiles WHERE batch_id = $id; DELETE FROM batches WHERE id = $id;";
        var id = delete.Parameters.Add("$id", SqliteType.Integer);
        foreach (var batchId in deleted.Distinct())
        {
            id.Value = batchId;
            delete.ExecuteNonQuery();
        }

        transaction.Commit();
        lock (_cacheLock)
        {
            foreach (var batchId in deleted)
            {
                _decoded.Remove(batchId);
            }
        }
    }

    private void InitializeSchema()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS batches(
                id INTEGER PRIMARY KEY,
                received_unix_ms INTEGER NOT NULL,
                size INTEGER NOT NULL,
                payload BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS profiles(
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES batches(id),
                ordinal INTEGER NOT NULL,
                service TEXT NOT NULL,
                profile_type TEXT NOT NULL,
                start_ns INTEGER NOT NULL,
                end_ns INTEGER NOT NULL,
                sample_count INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS profiles_by_key ON profiles(service, profile_type, end_ns);
            CREATE INDEX IF NOT EXISTS profiles_by_batch ON profiles(batch_id);
            INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', $version);
            """;
        command.Parameters.AddWithValue("$version", SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        using var versionQuery = connection.CreateCommand();
        versionQuery.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
        var version = versionQuery.ExecuteScalar() as string;
        if (version != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException(
                $"The database {DatabasePath} has schema version {version}, this otel-profiles expects {SchemaVersion}; use another --db path.");
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
