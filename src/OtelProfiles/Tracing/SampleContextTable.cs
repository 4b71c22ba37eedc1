using System.Runtime.InteropServices;

namespace OtelProfiles.Tracing;

/// <summary>
/// Small integer ids for the distinct <see cref="SampleContext"/>s of one sample table, so its rows hold an int
/// (0: no span, no tags) rather than object references: the table's large arrays then stay free of references the
/// GC would have to scan and card-mark, and rows compare by integers. Written by the table's one writer; cleared with it.
/// </summary>
internal sealed class SampleContextTable
{
    private readonly Dictionary<SampleContext, int> _ids = new();
    private readonly List<SampleContext> _contexts = [default];

    /// <summary>The id of <paramref name="context"/>, 0 for the empty one.</summary>
    public int Intern(SampleContext context)
    {
        if (context.IsEmpty)
        {
            return 0;
        }

        ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, context, out bool exists);
        if (!exists)
        {
            id = _contexts.Count;
            _contexts.Add(context);
        }

        return id;
    }

    /// <summary>The context of <paramref name="id"/>.</summary>
    public SampleContext Get(int id) => _contexts[id];

    /// <summary>Forgets every context (and lets go of its span and tags), keeping the memory.</summary>
    public void Clear()
    {
        _ids.Clear();
        _contexts.Clear();
        _contexts.Add(default);
    }
}
