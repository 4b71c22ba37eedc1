using System.Text;

namespace OtelProfiles.Symbols;

/// <summary>
/// Turns the runtime's names for compiled code into the names people wrote: async and iterator state machines
/// become their method (<c>Shop.Checkout+&lt;PayAsync&gt;d__4.MoveNext</c> → <c>Shop.Checkout.PayAsync</c>), lambdas
/// and local functions are named after their containing method (<c>Shop.Checkout.PayAsync.&lt;lambda&gt;</c>,
/// <c>Shop.Checkout.PayAsync.Validate</c>), nested types use dots, and generic instantiations read like C#
/// (<c>List`1[System.Int32]</c> → <c>List&lt;Int32&gt;</c>).
/// </summary>
/// <remarks>
/// The compiler's naming scheme for generated members (<c>&lt;M&gt;d__N</c> state machines, <c>&lt;M&gt;b__N_M</c>
/// lambdas, <c>&lt;M&gt;g__Local|N_M</c> local functions, <c>&lt;&gt;c</c>/<c>&lt;&gt;c__DisplayClassN_M</c> closures) is not a
/// contract, but it has been stable since Roslyn 1.0; anything unrecognised is shown unchanged.
/// </remarks>
internal static class FrameNameFormatter
{
    public const string LambdaName = "<lambda>";

    public static string Format(string runtimeTypeName, string methodName)
    {
        List<string> segments = SplitNested(runtimeTypeName);
        string method = methodName;

        // Walk compiler-generated nested types from the inside out.
        while (segments.Count > 1)
        {
            string last = segments[^1];
            if (IsClosureClass(last))
            {
                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            if (TryStateMachineMethod(last, out string? userMethod) && method is "MoveNext" or "SetStateMachine")
            {
                method = userMethod!;
                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            break;
        }

        var builder = new StringBuilder(runtimeTypeName.Length + methodName.Length + 8);
        for (int i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('.');
            }

            AppendReadableGenerics(builder, segments[i]);
        }

        if (builder.Length > 0)
        {
            builder.Append('.');
        }

        builder.Append(ReadableMemberName(method));
        return builder.ToString();
    }

    /// <summary>Names a compiler-generated member after the user's member: <c>&lt;Main&gt;b__0_1</c> → <c>Main.&lt;lambda&gt;</c>.</summary>
    internal static string ReadableMemberName(string name)
    {
        if (name.Length < 3 || name[0] != '<')
        {
            return name;
        }

        int close = MatchingAngle(name, 0);
        if (close < 0)
        {
            return name;
        }

        string inner = name.Substring(1, close - 1);
        string suffix = name[(close + 1)..];
        if (inner.Length == 0)
        {
            return name;
        }

        string owner = ReadableMemberName(inner);
        if (suffix.StartsWith("b__", StringComparison.Ordinal))
        {
            return owner + "." + LambdaName;
        }

        if (suffix.StartsWith("g__", StringComparison.Ordinal))
        {
            int bar = suffix.IndexOf('|');
            string local = bar > 3 ? suffix[3..bar] : suffix[3..];
            return owner + "." + local;
        }

        if (suffix == "$" || suffix == "d" || suffix.StartsWith("d__", StringComparison.Ordinal))
        {
            return owner;
        }

        return name;
    }

    private static bool IsClosureClass(string segment) =>
        segment == "<>c" || segment.StartsWith("<>c__DisplayClass", StringComparison.Ordinal);

    private static bool TryStateMachineMethod(string segment, out string? method)
    {
        method = null;
        if (segment.Length < 4 || segment[0] != '<')
        {
            return false;
        }

        int close = MatchingAngle(segment, 0);
        if (close < 0)
        {
            return false;
        }

        string suffix = segment[(close + 1)..];
        if (suffix != "d" && !suffix.StartsWith("d__", StringComparison.Ordinal))
        {
            return false;
        }

        method = segment.Substring(1, close - 1);
        return method.Length > 0;
    }

    private static int MatchingAngle(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == '<')
            {
                depth++;
            }
            else if (text[i] == '>' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Splits <c>A.B+C`1[X+Y]+D</c> at the '+' that separate nested types, not those inside generic arguments.</summary>
    private static List<string> SplitNested(string typeName)
    {
        var parts = new List<string>(2);
        int depth = 0;
        int start = 0;
        for (int i = 0; i < typeName.Length; i++)
        {
            char c = typeName[i];
            if (c == '[')
            {
                depth++;
            }
            else if (c == ']')
            {
                depth--;
            }
            else if (c == '+' && depth == 0)
            {
                parts.Add(typeName[start..i]);
                start = i + 1;
            }
        }

        parts.Add(typeName[start..]);
        return parts;
    }

    /// <summary><c>Dictionary`2[System.String,System.Int32]</c> → <c>Dictionary&lt;String,Int32&gt;</c>.</summary>
    private static void AppendReadableGenerics(StringBuilder builder, string segment)
    {
        int tick = segment.IndexOf('`');
        if (tick < 0)
        {
            builder.Append(segment);
            return;
        }

        builder.Append(segment, 0, tick);
        int open = segment.IndexOf('[', tick);
        if (open < 0 || !segment.EndsWith(']'))
        {
            return; // open generic: `1 without arguments
        }

        builder.Append('<');
        string args = segment.Substring(open + 1, segment.Length - open - 2);
        int depth = 0;
        int start = 0;
        bool first = true;
        for (int i = 0; i <= args.Length; i++)
        {
            if (i < args.Length)
            {
                char c = args[i];
                if (c == '[')
                {
                    depth++;
                    continue;
                }

                if (c == ']')
                {
                    depth--;
                    continue;
                }

                if (c != ',' || depth != 0)
                {
                    continue;
                }
            }

            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            AppendTypeArgument(builder, args[start..i].Trim());
            start = i + 1;
        }

        builder.Append('>');
    }

    private static void AppendTypeArgument(StringBuilder builder, string argument)
    {
        // Type arguments lose their namespace (the method's own type keeps it): Int32, String, __Canon, Order.
        // A state machine passed as an argument (AsyncStateMachineBox<..., Checkout+<PayAsync>d__2>) reads as its method.
        if (argument.StartsWith('[') && argument.EndsWith(']'))
        {
            argument = argument[1..^1];
        }

        List<string> segments = SplitNested(argument);
        var readable = new List<string>(segments.Count);
        for (int i = 0; i < segments.Count; i++)
        {
            string segment = segments[i];
            if (i == 0)
            {
                int generic = segment.IndexOf('`');
                int lastDot = segment.LastIndexOf('.', generic < 0 ? segment.Length - 1 : generic);
                segment = lastDot >= 0 ? segment[(lastDot + 1)..] : segment;
            }
            else if (IsClosureClass(segment))
            {
                continue;
            }
            else if (TryStateMachineMethod(segment, out string? method))
            {
                segment = ReadableMemberName(method!);
            }

            var part = new StringBuilder();
            AppendReadableGenerics(part, segment);
            readable.Add(part.ToString());
        }

        builder.AppendJoin('.', readable);
    }
}
