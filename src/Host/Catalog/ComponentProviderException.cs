namespace ImageClassifier.Hosting.Catalog;

/// <summary>An assembly's component provider could not be created or gave unusable registrations.</summary>
public sealed class ComponentProviderException : CatalogException
{
    internal ComponentProviderException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
