using Microsoft.Data.Sqlite;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Storage;

/// <summary>
/// Received requests in SQLite. Each accepted request is stored as its validated protobuf bytes (a "batch") plus one
/// index row per profile (service, type, time range), written in a single transaction so a crash or a bad request
/// can never leave half a batch behind. Queries find batches through the index and decode them on demand; decoded
/// batches are cached because the UI asks for the same range repeatedly.
/// </summary>
internal sealed partial class ProfileStore : IDisposable
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
    private readonly long? _maxPageCount;
    private readonly ITimer _sweepTimer;
    private bool _disposed;

    /// <summary>Opens (or creates) the database; fails with <see cref="StoreUnavailableException"/> naming the path.</summary>
    /// <param name="databasePath">The SQLite file.</param>
    /// <param name="retention">What the store keeps; age retention also runs on a timer, not only on writes.</param>
    /// <param name="time">The clock (tests move it by hand).</param>
    /// <param name="maxPageCount">Test hook: SQLite's max_page_count per connection, to make "disk full" happen on demand.</param>
    public ProfileStore(string databasePath, RetentionPolicy retention, TimeProvider? time = null, long? maxPageCount = null)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true }.ToString();
        _retention = retention;
        _time = time ?? TimeProvider.System;
        _maxPageCount = maxPageCount;
        DatabasePath = databasePath;
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            if (Directory.Exists(databasePath))
            {
                throw new StoreUnavailableException($"the database path {Path.GetFullPath(databasePath)} is a directory; pass a file name (--db)");
            }

            InitializeSchema();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            SqliteConnection.ClearAllPools();
            throw new StoreUnavailableException($"cannot use the database {Path.GetFullPath(databasePath)} (--db): {ex.Message}", ex);
        }

        // Age retention must not wait for the next write: a receiver nobody sends to still forgets old data.
        var sweep = TimeSpan.FromTicks(Math.Clamp(retention.MaxAge.Ticks / 10, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
        _sweepTimer = _time.CreateTimer(_ => Sweep(), null, sweep, sweep);
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
            long batchId = InsertBatch(connection, transaction, bytes.Length, bytes);

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

            CommitThenApplyRetention(connection, transaction);
        }

        return profiles.Count;
    }

    /// <summary>Adds the row every stored request has (its time, its size for the storage limit, its payload) and returns its id.</summary>
    private long InsertBatch(SqliteConnection connection, SqliteTransaction transaction, long size, byte[] payload)
    {
        using var insertBatch = connection.CreateCommand();
        insertBatch.Transaction = transaction;
        insertBatch.CommandText = "INSERT INTO batches(received_unix_ms, size, payload) VALUES ($received, $size, $payload); SELECT last_insert_rowid();";
        insertBatch.Parameters.AddWithValue("$received", _time.GetUtcNow().ToUnixTimeMilliseconds());
        insertBatch.Parameters.AddWithValue("$size", size);
        insertBatch.Parameters.AddWithValue("$payload", payload);
        return (long)insertBatch.ExecuteScalar()!;
    }

    /// <summary>Commits a write, then applies retention, whose failure the write does not share.</summary>
    private void CommitThenApplyRetention(SqliteConnection connection, SqliteTransaction transaction)
    {
        transaction.Commit();
        try
        {
            ApplyRetention(connection);
        }
        catch (SqliteException)
        {
            // The request is stored; failing it now would make the client retry and store it twice. The next
            // write or the timer tries retention again.
        }
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

    /// <summary>Bytes the database takes on disk: the file plus its write-ahead log.</summary>
    public long FileBytes()
    {
        long Size(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
        return Size(DatabasePath) + Size(DatabasePath + "-wal");
    }

    public void Dispose()
    {
        _sweepTimer.Dispose();
        lock (_writeLock)
        {
            _disposed = true;
        }

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

    private void Sweep()
    {
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                using var connection = Open();
                ApplyRetention(connection);
            }
            catch (SqliteException)
            {
                // Busy or full: the next write or the next tick tries again.
            }
        }
    }

    private void ApplyRetention(SqliteConnection connection)
    {
        var deleted = new List<long>();
        using (var old = connection.CreateCommand())
        {
            old.CommandText = "SELECT id FROM batches WHERE received_unix_ms < $cutoff";
            old.Parameters.AddWithValue("$cutoff", CutoffUnixMs());
            using var reader = old.ExecuteReader();
            while (reader.Read())
            {
                deleted.Add(reader.GetInt64(0));
            }
        }

        Delete(connection, deleted);
        EnforceSize(connection);
    }

    /// <summary>Received before this (Unix ms) is too old; a retention longer than the calendar reaches keeps everything.</summary>
    private long CutoffUnixMs()
    {
        var now = _time.GetUtcNow();
        return _retention.MaxAge >= now - DateTimeOffset.UnixEpoch ? long.MinValue : (now - _retention.MaxAge).ToUnixTimeMilliseconds();
    }

    /// <summary>
    /// Keeps the file (with its write-ahead log) under <see cref="RetentionPolicy.MaxBytes"/>: checkpoint so the log
    /// is folded in and truncated, measure, and delete the oldest batches covering the excess until it fits. The
    /// newest batch always stays, or the receiver would accept data and immediately lose it.
    /// </summary>
    private void EnforceSize(SqliteConnection connection)
    {
        if (FileBytes() <= _retention.MaxBytes)
        {
            return;
        }

        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        for (var round = 0; round < 8; round++)
        {
            var excess = FileBytes() - _retention.MaxBytes;
            if (excess <= 0)
            {
                return;
            }

            var oldest = new List<long>();
            using (var sizes = connection.CreateCommand())
            {
                sizes.CommandText = "SELECT id, size FROM batches WHERE id < (SELECT max(id) FROM batches) ORDER BY id";
                using var reader = sizes.ExecuteReader();
                long covered = 0;
                while (covered < excess && reader.Read())
                {
                    oldest.Add(reader.GetInt64(0));
                    covered += reader.GetInt64(1);
                }
            }

            if (oldest.Count == 0)
            {
                return;
            }

            Delete(connection, oldest);

            // Freed pages go back to the file system (auto_vacuum = INCREMENTAL), then the log is folded in again.
            Execute(connection, "PRAGMA incremental_vacuum");
            Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    private void Delete(SqliteConnection connection, List<long> batchIds)
    {
        if (batchIds.Count == 0)
        {
            return;
        }

        using (var transaction = connection.BeginTransaction())
        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM profiles WHERE batch_id = $id; DELETE FROM spans WHERE batch_id = $id; DELETE FROM batches WHERE id = $id;";
            var id = delete.Parameters.Add("$id", SqliteType.Integer);
            foreach (var batchId in batchIds.Distinct())
            {
                id.Value = batchId;
                delete.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        lock (_cacheLock)
        {
            foreach (var batchId in batchIds)
            {
                _decoded.Remove(batchId);
            }
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // Pragmas such as incremental_vacuum work step by step while their result is read.
        }
    }

    private void InitializeSchema()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA auto_vacuum = INCREMENTAL;
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
            throw new StoreUnavailableException(
                $"The database {DatabasePath} has schema version {version}, this otel-profiles expects {SchemaVersion}; use another --db path.");
        }

        CreateSpanTables(connection);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        if (_maxPageCount is { } pages)
        {
            using var limit = connection.CreateCommand();
            limit.CommandText = $"PRAGMA max_page_count = {pages}";
            limit.ExecuteNonQuery();
        }

        return connection;
    }
}

/// <summary>The database cannot be opened or written (a bad path, not SQLite, read-only, disk full); the message names the path.</summary>
internal sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
