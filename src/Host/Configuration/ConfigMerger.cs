using System.Collections.Immutable;
using System.Globalization;
using ImageClassifier.Shared.Text;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// mmengine's merge rules on located trees: objects merge member by member (recursively), arrays
/// and scalars replace the inherited value whole, <c>"_delete_": true</c> replaces an inherited
/// value instead of merging, and an object over a non-object is an error. Members keep the
/// position of the inherited member they replace; new members go last.
/// </summary>
internal static class ConfigMerger
{
    /// <summary>Merges the members of <paramref name="overlay"/> onto <paramref name="target"/>.</summary>
    /// <remarks><paramref name="overlay"/>'s own <c>_delete_</c> has already been read by the caller and is skipped.</remarks>
    public static ConfigObject MergeInto(ConfigObject overlay, ConfigObject target, ConfigJsonPath path)
    {
        var result = target.Members.ToBuilder();
        foreach (var member in overlay.Members)
        {
            if (member.Name == ConfigKeys.Delete)
            {
                continue;
            }

            CheckNotBase(member, path);
            var memberPath = path.Member(member.Name);
            var index = target.IndexOf(member.Name);
            if (index >= 0)
            {
                var merged = MergeValue(member.Value, target.Members[index].Value, memberPath);
                result[index] = new ConfigMember(member.Name, member.NameLocation, merged);
            }
            else
            {
                result.Add(new ConfigMember(member.Name, member.NameLocation, Fresh(member.Value, memberPath, insideArray: false)));
            }
        }

        return new ConfigObject(result.ToImmutable(), overlay.Location);
    }

    /// <summary>
    /// Sets <c>--cfg-options</c>' value at its key path with the same rules as a child config: an
    /// object merges into an inherited object, anything else replaces. A numeric key indexes an
    /// existing list (mmengine's <c>allow_list_keys</c>); a missing member is created, with objects
    /// for the intermediate keys.
    /// </summary>
    public static ConfigObject ApplyOverride(ConfigObject root, ConfigOverride option) =>
        (ConfigObject)SetAt(root, option, 0, ConfigJsonPath.Root);

    /// <summary>The value that <paramref name="overlay"/> leaves where <paramref name="inherited"/> was.</summary>
    public static ConfigNode MergeValue(ConfigNode overlay, ConfigNode inherited, ConfigJsonPath path)
    {
        if (overlay is not ConfigObject overlayObject)
        {
            return Fresh(overlay, path, insideArray: false);
        }

        if (ReadDeleteFlag(overlayObject, path))
        {
            return StripObject(overlayObject, path);
        }

        if (inherited is ConfigObject inheritedObject)
        {
            return MergeInto(overlayObject, inheritedObject, path);
        }

        // mmengine raises a TypeError here too (a dict in the child over a non-dict in the base).
        throw new ConfigException(
            overlayObject.Location,
            path.ToString(),
            $"cannot merge an object into {inherited.KindDescription} (set in {inherited.Location}); add \"_delete_\": true to this object to replace the inherited value");
    }

    /// <summary>
    /// A value that inherits nothing: <c>_delete_: false</c> is dropped, <c>_delete_: true</c> is an
    /// error (there is nothing to replace), nested <c>_base_</c> is an error.
    /// </summary>
    public static ConfigNode Fresh(ConfigNode node, ConfigJsonPath path, bool insideArray)
    {
        switch (node)
        {
            case ConfigObject obj:
                if (ReadDeleteFlag(obj, path))
                {
                    obj.TryGetMember(ConfigKeys.Delete, out var delete);
                    throw new ConfigException(delete.NameLocation, path.ToString(), ConfigMessages.DeleteReplacesNothing(insideArray ? null : path.ToString()));
                }

                return StripObject(obj, path);
            case ConfigArray array:
                ImmutableArray<ConfigNode>.Builder? items = null;
                for (var i = 0; i < array.Items.Length; i++)
                {
                    var item = Fresh(array.Items[i], path.Item(i), insideArray: true);
                    if (items is null && !ReferenceEquals(item, array.Items[i]))
                    {
                        items = array.Items.ToBuilder();
                    }

                    if (items is not null)
                    {
                        items[i] = item;
                    }
                }

                return items is null ? array : new ConfigArray(items.ToImmutable(), array.Location);
            default:
                return node;
        }
    }

    /// <summary>Reads an object's <c>_delete_</c>: absent is false; anything but true/false is an error.</summary>
    public static bool ReadDeleteFlag(ConfigObject obj, ConfigJsonPath path)
    {
        if (!obj.TryGetMember(ConfigKeys.Delete, out var member))
        {
            return false;
        }

        if (member.Value is ConfigBoolean flag)
        {
            return flag.Value;
        }

        throw new ConfigException(
            member.Value.Location,
            path.Member(ConfigKeys.Delete).ToString(),
            ConfigMessages.DeleteNotABoolean(member.Value.KindDescription));
    }

    /// <summary>The object without its <c>_delete_</c> member, its values made <see cref="Fresh"/>.</summary>
    private static ConfigObject StripObject(ConfigObject obj, ConfigJsonPath path)
    {
        ImmutableArray<ConfigMember>.Builder? members = null;
        for (var i = 0; i < obj.Members.Length; i++)
        {
            var member = obj.Members[i];
            if (member.Name == ConfigKeys.Delete)
            {
                members ??= Prefix(obj.Members, i);
                continue;
            }

            CheckNotBase(member, path);
            var value = Fresh(member.Value, path.Member(member.Name), insideArray: false);
            if (members is null && !ReferenceEquals(value, member.Value))
            {
                members = Prefix(obj.Members, i);
            }

            members?.Add(ReferenceEquals(value, member.Value) ? member : member with { Value = value });
        }

        return members is null ? obj : new ConfigObject(members.ToImmutable(), obj.Location);
    }

    private static ImmutableArray<ConfigMember>.Builder Prefix(ImmutableArray<ConfigMember> members, int count)
    {
        var builder = ImmutableArray.CreateBuilder<ConfigMember>(members.Length);
        for (var i = 0; i < count; i++)
        {
            builder.Add(members[i]);
        }

        return builder;
    }

    private static void CheckNotBase(ConfigMember member, ConfigJsonPath path)
    {
        if (member.Name == ConfigKeys.Base)
        {
            throw new ConfigException(
                member.NameLocation,
                path.Member(ConfigKeys.Base).ToString(),
                ConfigMessages.BaseNotAtTopLevel);
        }
    }

    private static ConfigNode SetAt(ConfigNode current, ConfigOverride option, int keyIndex, ConfigJsonPath path)
    {
        var key = option.Keys[keyIndex];
        var keyLocation = option.KeyLocations[keyIndex];
        var isLast = keyIndex == option.Keys.Length - 1;
        if (current is ConfigArray array)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw new ConfigException(
                    keyLocation,
                    path.ToString(),
                    $"'{key}' cannot select an item: {path} is a list (set in {array.Location}); use a 0-based index, as in {string.Join('.', option.Keys.Take(keyIndex))}.0");
            }

            if (index >= array.Items.Length)
            {
                throw new ConfigException(
                    keyLocation,
                    path.ToString(),
                    $"index {index} is out of range: the list has {array.Items.Length} item{(array.Items.Length == 1 ? "" : "s")} (set in {array.Location})");
            }

            var itemPath = path.Item(index);
            var item = isLast
                ? MergeValue(option.Value, array.Items[index], itemPath)
                : Descend(array.Items[index], option, keyIndex, itemPath);
            return new ConfigArray(array.Items.SetItem(index, item), array.Location);
        }

        var obj = (ConfigObject)current;
        var memberPath = path.Member(key);
        if (key == ConfigKeys.Base)
        {
            throw new ConfigException(
                keyLocation,
                memberPath.ToString(),
                keyIndex == 0
                    ? "\"_base_\" cannot be set with --cfg-options; name the base in the config file"
                    : ConfigMessages.BaseNotAtTopLevel);
        }

        if (key == ConfigKeys.Delete)
        {
            return SetDelete(obj, option, keyIndex, path);
        }

        var existing = obj.IndexOf(key);
        ConfigNode value;
        if (existing >= 0)
        {
            var inherited = obj.Members[existing].Value;
            value = isLast ? MergeValue(option.Value, inherited, memberPath) : Descend(inherited, option, keyIndex, memberPath);
            var members = obj.Members.SetItem(existing, new ConfigMember(key, keyLocation, value));
            return new ConfigObject(members, obj.Location);
        }

        var valuePath = memberPath;
        for (var k = keyIndex + 1; k < option.Keys.Length; k++)
        {
            valuePath = valuePath.Member(option.Keys[k]);
        }

        value = Fresh(option.Value, valuePath, insideArray: false);
        if (!isLast)
        {
            value = Create(option, keyIndex + 1, value);
        }

        return new ConfigObject(obj.Members.Add(new ConfigMember(key, keyLocation, value)), obj.Location);
    }

    private static ConfigNode Descend(ConfigNode child, ConfigOverride option, int keyIndex, ConfigJsonPath childPath)
    {
        if (child is ConfigObject or ConfigArray)
        {
            return SetAt(child, option, keyIndex + 1, childPath);
        }

        // mmengine raises a TypeError here: a dict in the options over a non-dict in the config.
        var nextKey = option.Keys[keyIndex + 1];
        throw new ConfigException(
            option.KeyLocations[keyIndex + 1],
            childPath.ToString(),
            $"cannot set '{nextKey}' inside {childPath}: it is {child.KindDescription} (set in {child.Location}), not an object or a list");
    }

    /// <summary>Objects for the keys from <paramref name="keyIndex"/> on, holding <paramref name="value"/> at the end.</summary>
    private static ConfigNode Create(ConfigOverride option, int keyIndex, ConfigNode value)
    {
        for (var k = option.Keys.Length - 1; k >= keyIndex; k--)
        {
            if (option.Keys[k] is ConfigKeys.Base or ConfigKeys.Delete)
            {
                throw new ConfigException(
                    option.KeyLocations[k],
                    ConfigJsonPath.Format(option.Keys.Take(k + 1).Select(ConfigJsonPathSegment.Member)),
                    $"\"{option.Keys[k]}\" has nothing to act on here: nothing is set at {ConfigJsonPath.Format(option.Keys.Take(k).Select(ConfigJsonPathSegment.Member))}");
            }

            value = new ConfigObject([new ConfigMember(option.Keys[k], option.KeyLocations[k], value)], option.KeyLocations[k - 1]);
        }

        return value;
    }

    /// <summary><c>a.b._delete_=true</c> empties <c>a.b</c>, as mmengine's merge of <c>{'_delete_': True}</c> does.</summary>
    private static ConfigNode SetDelete(ConfigObject obj, ConfigOverride option, int keyIndex, ConfigJsonPath path)
    {
        var keyLocation = option.KeyLocations[keyIndex];
        var deletePath = path.Member(ConfigKeys.Delete).ToString();
        if (keyIndex == 0)
        {
            throw new ConfigException(keyLocation, deletePath, "\"_delete_\" cannot be used at the top level");
        }

        if (keyIndex != option.Keys.Length - 1)
        {
            throw new ConfigException(keyLocation, deletePath, "\"_delete_\" must be the last key");
        }

        if (option.Value is not ConfigBoolean flag)
        {
            throw new ConfigException(option.Value.Location, deletePath, ConfigMessages.DeleteNotABoolean(option.Value.KindDescription));
        }

        return flag.Value ? new ConfigObject([], keyLocation) : obj;
    }
}
