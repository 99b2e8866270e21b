using System.Globalization;
using System.Text.Json;
using ImageClassifier.Hosting.Configuration.Binding;
using TorchSharp;

namespace ImageClassifier.Hosting.Catalog;

/// <summary>
/// One named variant of a component: a value of its config's <c>arch</c> or <c>depth</c> where the
/// config allows a fixed list of them (mmpretrain's <c>arch_settings</c>: ResNet's 18 ... 152,
/// ConvNeXt's "tiny" ... "large"), as a zoo listing shows it.
/// </summary>
/// <param name="Component">The component.</param>
/// <param name="Member">The config member that picks the variant ("arch" or "depth").</param>
/// <param name="Value">Its value.</param>
public sealed record ComponentArch(ComponentRegistration Component, string Member, object Value)
{
    /// <summary>The value as configs write it, without quotes ("50", "tiny").</summary>
    public string Label => Value switch
    {
        string text => text,
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };

    /// <summary>The variant's config in JSON: its type and the picking member, everything else left at its default.</summary>
    public string Json => $"{{\"type\": {JsonSerializer.Serialize(Component.Name)}, {JsonSerializer.Serialize(Member)}: {JsonSerializer.Serialize(Value)}}}";

    /// <summary>The variants <paramref name="registration"/>'s config offers; none for a component without such a list.</summary>
    public static IReadOnlyList<ComponentArch> Of(ComponentRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var member = registration.Descriptor.Parameters.FirstOrDefault(parameter => parameter.JsonName is "arch" or "depth");
        var values = member?.Constraints.OfType<OneOfAttribute>().FirstOrDefault()?.Values;
        return member is null || values is null ? [] : [.. values.Select(value => new ComponentArch(registration, member.JsonName, value))];
    }

    /// <summary>Builds the variant with its defaults, counts its parameters, and disposes it.</summary>
    /// <param name="catalog">The catalog that binds its config.</param>
    /// <exception cref="Configuration.ConfigException">The variant's config does not bind without more members.</exception>
    public long CountParameters(ComponentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var config = new ConfigBinder(catalog).BindComponentJson(Json, kindType: null, sourceName: $"{Component.Name} {Member} {Label}");
        var built = config.BuildComponent();
        try
        {
            return built is torch.nn.Module module ? module.parameters().Sum(parameter => parameter.numel()) : 0;
        }
        finally
        {
            (built as IDisposable)?.Dispose();
        }
    }
}
