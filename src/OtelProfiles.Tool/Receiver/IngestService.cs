using Microsoft.Extensions.Logging;
using OtelProfiles.Otlp;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Receiver;

/// <summary>The outcome of one received payload.</summary>
/// <param name="Accepted">True when the payload was valid (and its profiles, if any, stored).</param>
/// <param name="Profiles">How many profiles were stored.</param>
/// <param name="Error">Why the payload was rejected; null when accepted.</param>
/// <param name="Unavailable">True when the payload was valid but could not be stored (disk full, database locked): the client should retry.</param>
internal readonly record struct IngestResult(bool Accepted, int Profiles, string? Error, bool Unavailable = false);

/// <summary>How a gRPC export answers an ingest result it did not accept.</summary>
internal static class IngestResultGrpc
{
    /// <summary>Ends the call with UNAVAILABLE (storage failed: retry) or INVALID_ARGUMENT and the reason, unless accepted.</summary>
    public static void ThrowUnlessAccepted(this IngestResult result)
    {
        if (result.Unavailable)
        {
            throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, result.Error ?? "cannot store data right now"));
        }

        if (!result.Accepted)
        {
            throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.InvalidArgument, result.Error ?? "invalid request"));
        }
    }
}

/// <summary>
/// Shared by the gRPC and HTTP transports: validate completely, then store in one transaction. Nothing reaches the
/// store before the whole payload has been checked, which is what keeps bad requests from corrupting stored data.
/// </summary>
internal sealed class IngestService(ProfileStore store, ILogger<IngestService> logger)
{
    private long _accepted;
    private long _rejected;

    public long AcceptedRequests => Interlocked.Read(ref _accepted);

    public long RejectedRequests => Interlocked.Read(ref _rejected);

    public IngestResult Ingest(ReadOnlySpan<byte> payload, string transport)
    {
        var request = OtlpPayload.TryParse(payload, out var error);
        if (request is null)
        {
            Interlocked.Increment(ref _rejected);
            ReceiverLog.ProfilesRejected(logger, transport, payload.Length, error);
            return new IngestResult(false, 0, error);
        }

        int stored;
        try
        {
            stored = store.Store(payload, request);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            // Nothing was stored (the batch is one transaction); the client keeps the data and retries.
            Interlocked.Increment(ref _rejected);
            ReceiverLog.ProfilesNotStored(logger, transport, payload.Length, ex.Message);
            return new IngestResult(false, 0, $"the receiver cannot store data right now ({ex.Message}); retry later", Unavailable: true);
        }

        Interlocked.Increment(ref _accepted);
        ReceiverLog.ProfilesStored(logger, stored, transport, payload.Length);
        return new IngestResult(true, stored, null);
    }
}
