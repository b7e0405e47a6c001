namespace Restcomm.Fabric.Shim;

/// <summary>
/// Marks a class as a contract: its public methods marked <see cref="SubmitTransactionAttribute"/> or
/// <see cref="EvaluateTransactionAttribute"/> become transactions, called as <c>name:function</c> (or just
/// <c>function</c> for the default contract).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ContractAttribute : Attribute
{
    /// <summary>The contract name; the class name when not set.</summary>
    public string? Name { get; set; }

    /// <summary>True to make this the default contract (otherwise the first contract given is).</summary>
    public bool IsDefault { get; set; }

    /// <summary>A title for the metadata.</summary>
    public string? Title { get; set; }

    /// <summary>A version for the metadata.</summary>
    public string? Version { get; set; }

    /// <summary>A description for the metadata.</summary>
    public string? Description { get; set; }
}

/// <summary>
/// Marks a method as a transaction that changes the ledger: clients submit it for endorsement and ordering.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class SubmitTransactionAttribute : Attribute
{
    /// <summary>The transaction name; the method name (without an <c>Async</c> suffix) when not set.</summary>
    public string? Name { get; set; }

    /// <summary>A description for the metadata.</summary>
    public string? Description { get; set; }
}

/// <summary>
/// Marks a method as a read-only transaction: clients evaluate it on one peer and nothing is ordered.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class EvaluateTransactionAttribute : Attribute
{
    /// <summary>The transaction name; the method name (without an <c>Async</c> suffix) when not set.</summary>
    public string? Name { get; set; }

    /// <summary>A description for the metadata.</summary>
    public string? Description { get; set; }
}
