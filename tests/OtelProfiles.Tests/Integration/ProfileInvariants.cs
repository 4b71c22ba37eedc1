using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;

namespace OtelProfiles.Tests.Integration;

/// <summary>The structural rules of an OTLP profiles request: every index in range, index 0 the zero value.</summary>
internal static class ProfileInvariants
{
    public static void AssertValid(ExportProfilesServiceRequest request)
    {
        ProfilesDictionary d = request.Dictionary;
        Assert.NotNull(d);

        // Index 0 of every table is the zero value.
        Assert.Equal(string.Empty, d.StringTable[0]);
        Assert.Equal(new Mapping(), d.MappingTable[0]);
        Assert.Equal(new Location(), d.LocationTable[0]);
        Assert.Equal(new Function(), d.FunctionTable[0]);
        Assert.Equal(new Link(), d.LinkTable[0]);
        Assert.Equal(new KeyValueAndUnit(), d.AttributeTable[0]);
        Assert.Equal(new Stack(), d.StackTable[0]);

        // No duplicates in the deduplicated tables.
        Assert.Equal(d.StringTable.Count, d.StringTable.Distinct().Count());
        Assert.Equal(d.FunctionTable.Count, d.FunctionTable.Distinct().Count());
        Assert.Equal(d.StackTable.Count, d.StackTable.Distinct().Count());
        Assert.Equal(d.AttributeTable.Count, d.AttributeTable.Distinct().Count());

        void InRange(int index, int count, string what) => Assert.True(index >= 0 && index < count, $"{what} index {index} out of range 0..{count - 1}");

        foreach (Mapping m in d.MappingTable)
        {
            InRange(m.FilenameStrindex, d.StringTable.Count, "mapping filename");
        }

        foreach (Function f in d.FunctionTable)
        {
            InRange(f.NameStrindex, d.StringTable.Count, "function name");
            InRange(f.SystemNameStrindex, d.StringTable.Count, "function system name");
            InRange(f.FilenameStrindex, d.StringTable.Count, "function file");
        }

        foreach (Location l in d.LocationTable.Skip(1))
        {
            InRange(l.MappingIndex, d.MappingTable.Count, "location mapping");
            Assert.NotEmpty(l.Lines);
            foreach (Line line in l.Lines)
            {
                Assert.InRange(line.FunctionIndex, 1, d.FunctionTable.Count - 1);
            }

            foreach (int a in l.AttributeIndices)
            {
                Assert.InRange(a, 1, d.AttributeTable.Count - 1);
            }
        }

        foreach (Stack s in d.StackTable.Skip(1))
        {
            Assert.NotEmpty(s.LocationIndices);
            foreach (int l in s.LocationIndices)
            {
                Assert.InRange(l, 1, d.LocationTable.Count - 1);
            }
        }

        foreach (KeyValueAndUnit a in d.AttributeTable.Skip(1))
        {
            Assert.InRange(a.KeyStrindex, 1, d.StringTable.Count - 1);
            InRange(a.UnitStrindex, d.StringTable.Count, "attribute unit");
        }

        foreach (Profile p in request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles))
        {
            InRange(p.SampleType.TypeStrindex, d.StringTable.Count, "sample type");
            InRange(p.PeriodType.TypeStrindex, d.StringTable.Count, "period type");
            Assert.True(p.Period > 0, "period must be positive");
            Assert.True(p.TimeUnixNano > 0 && p.DurationNano > 0, "profile must cover a time range");
            Assert.Equal(16, p.ProfileId.Length);
            foreach (Sample sample in p.Samples)
            {
                Assert.InRange(sample.StackIndex, 1, d.StackTable.Count - 1);
                InRange(sample.LinkIndex, d.LinkTable.Count, "link");
                Assert.Single(sample.Values);
                Assert.True(sample.Values[0] > 0, "sample values are positive counts");
                foreach (int a in sample.AttributeIndices)
                {
                    Assert.InRange(a, 1, d.AttributeTable.Count - 1);
                }
            }

            // Samples are merged by identity {stack, attributes, link}.
            Assert.Equal(p.Samples.Count, p.Samples.Select(s => (s.StackIndex, string.Join(',', s.AttributeIndices), s.LinkIndex)).Distinct().Count());
        }
    }
}
