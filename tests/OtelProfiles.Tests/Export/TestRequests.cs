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

    /// <summary>A request like <see cref="Create"/> carrying <paramref name="profiles"/> profiles of <paramref name="samplesPerProfile"/> samples each.</summary>
    public static ExportProfilesServiceRequest WithSamples(int number, int profiles, int samplesPerProfile)
    {
        var request = Create(number);
        var scope = new ScopeProfiles();
        for (var p = 0; p < profiles; p++)
        {
            var profile = new Profile();
            for (var i = 0; i < samplesPerProfile; i++)
            {
                var sample = new Sample();
                sample.Values.Add(1);
                profile.Samples.Add(sample);
            }

            scope.Profiles.Add(profile);
        }

        request.ResourceProfiles[0].ScopeProfiles.Add(scope);
        return request;
    }

    public static long NumberOf(ExportProfilesServiceRequest? request) =>
        request?.ResourceProfiles[0].Resource.Attributes.Single(a => a.Key == NumberAttribute).Value.IntValue
        ?? throw new InvalidOperationException("The request was not decoded.");
}
