namespace ImageClassifier.Hosting.Catalog;

/// <summary>The base of every error a <see cref="ComponentCatalog"/> reports; its message is one paragraph for people.</summary>
public abstract class CatalogException : Exception
{
    /// <summary>Creates the exception with its full message.</summary>
    protected CatalogException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
