using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;

namespace OtelProfiles.Tool.Tests.Soak;

/// <summary>
/// An independent check (not the receiver's validator) that every index in an export points into its dictionary
/// table: samples to stacks, attributes and links; stacks to locations; locations to mappings, functions and
/// attributes; everything that names a string to the string table.
/// </summary>
internal static class DictionaryIndexCheck
{
    /// <summary>The first few indexes out of range, described; empty when every index is in range.</summary>
    public static IReadOnlyList<string> Problems(ExportProfilesServiceRequest request)
    {
        var problems = new List<string>();
        var d = request.Dictionary ?? new ProfilesDictionary();
        void Check(long index, int count, string what)
        {
            // Index 0 means "unset" and is valid even when its table is empty (OTLP profiles v1.11.0).
            if (index != 0 && (index < 0 || index >= count) && problems.Count < 5)
            {
                problems.Add($"{what} = {index}, table has {count}");
            }
        }

        void CheckAll(IEnumerable<int> indexes, int count, string what)
        {
            foreach (var index in indexes)
            {
                Check(index, count, what);
            }
        }

        int strings = d.StringTable.Count;
        foreach (var attribute in d.AttributeTable)
        {
            Check(attribute.KeyStrindex, strings, "attribute.key_strindex");
            Check(attribute.UnitStrindex, strings, "attribute.unit_strindex");
        }

        foreach (var mapping in d.MappingTable)
        {
            Check(mapping.FilenameStrindex, strings, "mapping.filename_strindex");
            CheckAll(mapping.AttributeIndices, d.AttributeTable.Count, "mapping.attribute_indices");
        }

        foreach (var function in d.FunctionTable)
        {
            Check(function.NameStrindex, strings, "function.name_strindex");
            Check(function.SystemNameStrindex, strings, "function.system_name_strindex");
            Check(function.FilenameStrindex, strings, "function.filename_strindex");
        }

        foreach (var location in d.LocationTable)
        {
            Check(location.MappingIndex, d.MappingTable.Count, "location.mapping_index");
            CheckAll(location.AttributeIndices, d.AttributeTable.Count, "location.attribute_indices");
            foreach (var line in location.Lines)
            {
                Check(line.FunctionIndex, d.FunctionTable.Count, "line.function_index");
            }
        }

        foreach (var stack in d.StackTable)
        {
            CheckAll(stack.LocationIndices, d.LocationTable.Count, "stack.location_indices");
        }

        foreach (var profile in request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles))
        {
            Check(profile.SampleType?.TypeStrindex ?? 0, strings, "profile.sample_type.type_strindex");
            Check(profile.SampleType?.UnitStrindex ?? 0, strings, "profile.sample_type.unit_strindex");
            Check(profile.PeriodType?.TypeStrindex ?? 0, strings, "profile.period_type.type_strindex");
            Check(profile.PeriodType?.UnitStrindex ?? 0, strings, "profile.period_type.unit_strindex");
            CheckAll(profile.AttributeIndices, d.AttributeTable.Count, "profile.attribute_indices");
            foreach (var sample in profile.Samples)
            {
                Check(sample.StackIndex, d.StackTable.Count, "sample.stack_index");
                Check(sample.LinkIndex, d.LinkTable.Count, "sample.link_index");
                CheckAll(sample.AttributeIndices, d.AttributeTable.Count, "sample.attribute_indices");
            }
        }

        return problems;
    }
}
