using System.Collections;

namespace ImageClassifier;

/// <summary>Value equality of config members, used by the generated Equals and GetHashCode.</summary>
public static class ConfigEquality
{
    /// <summary>Equal values; collections are compared item by item.</summary>
    public static bool AreEqual(object? left, object? right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left is null || right is null)
        {
            return false;
        }

        if (left is IEnumerable leftItems and not string && right is IEnumerable rightItems and not string)
        {
            var leftEnumerator = leftItems.GetEnumerator();
            var rightEnumerator = rightItems.GetEnumerator();
            while (true)
            {
                var leftHasMore = leftEnumerator.MoveNext();
                if (leftHasMore != rightEnumerator.MoveNext())
                {
                    return false;
                }

                if (!leftHasMore)
                {
                    return true;
                }

                if (!AreEqual(leftEnumerator.Current, rightEnumerator.Current))
                {
                    return false;
                }
            }
        }

        return left.Equals(right);
    }

    /// <summary>A hash consistent with <see cref="AreEqual"/>.</summary>
    public static int GetHashCode(object? value)
    {
        if (value is null)
        {
            return 0;
        }

        if (value is IEnumerable items and not string)
        {
            var hash = new HashCode();
            foreach (var item in items)
            {
                hash.Add(GetHashCode(item));
            }

            return hash.ToHashCode();
        }

        return value.GetHashCode();
    }
}
