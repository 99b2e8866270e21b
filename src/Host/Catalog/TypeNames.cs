namespace ImageClassifier.Hosting.Catalog;

/// <summary>Type names as C# writes them: <c>int[]</c>, <c>System.Collections.Generic.IReadOnlyList&lt;string&gt;</c>, <c>double?</c>.</summary>
public static class TypeNames
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(bool)] = "bool",
        [typeof(byte)] = "byte",
        [typeof(sbyte)] = "sbyte",
        [typeof(char)] = "char",
        [typeof(short)] = "short",
        [typeof(ushort)] = "ushort",
        [typeof(int)] = "int",
        [typeof(uint)] = "uint",
        [typeof(long)] = "long",
        [typeof(ulong)] = "ulong",
        [typeof(float)] = "float",
        [typeof(double)] = "double",
        [typeof(decimal)] = "decimal",
        [typeof(string)] = "string",
        [typeof(object)] = "object",
        [typeof(void)] = "void",
    };

    /// <summary>The C# spelling of <paramref name="type"/>, namespace included.</summary>
    public static string Format(Type type)
    {
        if (Keywords.TryGetValue(type, out var keyword))
        {
            return keyword;
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return $"{Format(type.GetElementType()!)}[{new string(',', type.GetArrayRank() - 1)}]";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Format(underlying) + "?";
        }

        var container = type.IsNested && type.DeclaringType is { } declaring
            ? Format(declaring) + "."
            : string.IsNullOrEmpty(type.Namespace) ? string.Empty : type.Namespace + ".";
        var name = type.Name;
        var tick = name.IndexOf('`');
        if (tick < 0)
        {
            return container + name;
        }

        // A nested type's generic arguments start with its declaring type's; show only its own.
        var inherited = type.IsNested && type.DeclaringType is { IsGenericType: true } outer ? outer.GetGenericArguments().Length : 0;
        var own = type.GetGenericArguments().Skip(inherited).Select(Format);
        return $"{container}{name[..tick]}<{string.Join(", ", own)}>";
    }
}
