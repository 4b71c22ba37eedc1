using Microsoft.Extensions.Logging;
using OtelProfiles.Tool.Decoding;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// Shared by the gRPC and HTTP trace transports, like <see cref="IngestService"/> for profiles: validate the whole
/// request, then store its spans in one transaction. <see cref="IngestResult.Profiles"/> counts spans here.
/// </summary>
internal sealed class TraceIngestService(ProfileStore store, ILogger<TraceIngestService> logger)
{
    private long _accepted;
    private long _rejected;

    public long AcceptedRequests => Interlocked.Read(ref _accepted);

    public long RejectedRequests => Interlocked.Read(ref _rejected);

    public IngestResult Ingest(ReadOnlySpan<byte> payload, string transport)
    {
        var spans = OtlpTracePayload.TryParse(payload, out var error);
        if (spans is null)
        {
            Interlocked.Increment(ref _rejected);
            ReceiverLog.SpansRejected(logger, transport, payload.Length, error);
            return new IngestResult(false, 0, error);
        }

        int stored;
        try
        {
            stored = store.StoreSpans(spans);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            Interlocked.Increment(ref _rejected);
            ReceiverLog.SpansNotStored(logger, transport, payload.Length, ex.Message);
            return new IngestResult(false, 0, $"the receiver cannot store data right now ({ex.Message}); retry later", Unavailable: true);
        }

        Interlocked.Increment(ref _accepted);
        ReceiverLog.SpansStored(logger, stored, transport, payload.Length);
        return new IngestResult(true, stored, null);
    }
}
