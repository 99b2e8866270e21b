using System.Collections.Immutable;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>A JSON object: members in the order written (after merging, base members first).</summary>
public sealed class ConfigObject : ConfigNode
{
    private readonly Dictionary<string, int> indexByName;

    /// <summary>Creates an object; member names must be distinct.</summary>
    /// <exception cref="ArgumentException">Two members share a name.</exception>
    public ConfigObject(ImmutableArray<ConfigMember> members, SourceLocation location)
        : base(location)
    {
        Members = members.IsDefault ? [] : members;
        indexByName = new Dictionary<string, int>(Members.Length, StringComparer.Ordinal);
        for (var i = 0; i < Members.Length; i++)
        {
            if (!indexByName.TryAdd(Members[i].Name, i))
            {
                throw new ArgumentException($"Duplicate member name '{Members[i].Name}'.", nameof(members));
            }
        }
    }

    /// <summary>The members, in order.</summary>
    public ImmutableArray<ConfigMember> Members { get; }

    /// <inheritdoc/>
    public override ConfigNodeKind Kind => ConfigNodeKind.Object;

    /// <summary>Finds a member by its exact (case-sensitive) name.</summary>
    public bool TryGetMember(string name, out ConfigMember member)
    {
        if (indexByName.TryGetValue(name, out var index))
        {
            member = Members[index];
            return true;
        }

        member = null!;
        return false;
    }

    /// <summary>Finds a member's value by its exact (case-sensitive) name.</summary>
    public bool TryGetValue(string name, out ConfigNode value)
    {
        var found = TryGetMember(name, out var member);
        value = found ? member.Value : null!;
        return found;
    }

    internal int IndexOf(string name) => indexByName.TryGetValue(name, out var index) ? index : -1;
}
