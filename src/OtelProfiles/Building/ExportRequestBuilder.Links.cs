using System.Diagnostics;
using OtelProfiles.Tracing;

namespace OtelProfiles.Building;

/// <summary>
/// What a sample's <see cref="SampleContext"/> adds to it: the link to its span, the name of that span's local root
/// (so a flame graph can be split by endpoint) and the request-scoped <see cref="ProfileTags"/>.
/// </summary>
internal sealed partial class ExportRequestBuilder
{
    /// <summary>
    /// The sample attribute naming the local root span. Grafana Pyroscope turns string sample attributes into labels
    /// under their own key, and its span-profile integrations already label samples <c>span_name</c>.
    /// </summary>
    public const string SpanNameAttribute = "span_name";

    /// <summary>Adds the context's attributes to <paramref name="attributes"/> and returns its link index (0: none).</summary>
    /// <param name="dictionary">The request's dictionary, which gets the link and the attributes.</param>
    /// <param name="attributes">The sample's attribute indexes, added to.</param>
    /// <param name="context">The span and request tags current when the sample was taken.</param>
    /// <param name="frameTags">The sample's <c>[ProfileTag]</c> tags: a key they set wins over a request tag.</param>
    private static int AddContext(
        ProfilesDictionaryBuilder dictionary, List<int> attributes, SampleContext context, List<KeyValuePair<string, string>> frameTags)
    {
        if (context.Tags is { } tags)
        {
            foreach (KeyValuePair<string, string> tag in tags.Tags)
            {
                if (!frameTags.Exists(t => t.Key == tag.Key))
                {
                    attributes.Add(dictionary.Attribute(tag.Key, tag.Value));
                }
            }
        }

        if (context.Span is not { } span || span.IdFormat != ActivityIdFormat.W3C)
        {
            return 0; // hierarchical ids have no 16-byte trace id to link to
        }

        if (LocalRootSpanName.Of(SampleContextTracker.LocalRoot(span)) is { } name)
        {
            attributes.Add(dictionary.Attribute(SpanNameAttribute, name));
        }

        return dictionary.Link(span.TraceId, span.SpanId);
    }
}
