using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Profiles.V1Development;
using OpenTelemetry.Proto.Resource.V1;

namespace OtelProfiles.Tests.Export;

/// <summary>Small, recognisable export requests: each carries its number as a resource attribute.</summary>
internal static class TestRequests
{
    public const string NumberAttribute = "test.request.number";

    public static ExportProfilesServiceRequest Create(int number, int functionNames = 200)
    {
        var request = new ExportProfilesServiceRequest { Dictionary = new ProfilesDictionary() };
        request.Dictionary.StringTable.Add(string.Empty);
        for (var i = 0; i < functionNames; i++)
        {
            // Repetitive, like real frame names, so gzip has something to compress.
            request.Dictionary.StringTable.Add($"Shop.Checkout.Services.PaymentService.PayAsync{i}");
        }

        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "export-tests" } });
        resource.Attributes.Add(new KeyValue { Key = NumberAttribute, Value = new AnyValue { IntValue = number } });
        request.ResourceProfiles.Add(new ResourceProfiles { Resource = resource });
        return request;
    }

    public static long NumberOf(ExportProfilesServiceRequest? request) =>
        request?.ResourceProfiles[0].Resource.Attributes.Single(a => a.Key == NumberAttribute).Value.IntValue
        ?? throw new InvalidOperationException("The request was not decoded.");
}
