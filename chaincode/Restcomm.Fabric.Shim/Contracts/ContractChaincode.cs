using System.Text.Json;
using Restcomm.Fabric.Shim.Internal;

namespace Restcomm.Fabric.Shim;

/// <summary>Settings of a <see cref="ContractChaincode"/>.</summary>
public sealed class ContractChaincodeOptions
{
    /// <summary>The chaincode title reported in the metadata.</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>The chaincode version reported in the metadata.</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>
    /// How non-string arguments are parsed and non-string results written. Defaults to web conventions
    /// (camelCase names, case-insensitive reading) with enums written as their names.
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}

/// <summary>
/// A chaincode made of contracts: routes <c>contract:function</c> (or <c>function</c> on the default contract) to
/// the marked methods, parses arguments, writes results, runs the hooks and answers
/// <c>org.hyperledger.fabric:GetMetadata</c>.
/// </summary>
/// <remarks>
/// <para>Transaction functions are public instance methods marked <see cref="SubmitTransactionAttribute"/> or
/// <see cref="EvaluateTransactionAttribute"/>. The first parameter may be a <see cref="TransactionContext"/> (or the
/// contract's own context type) and a <see cref="CancellationToken"/> may come last; every other parameter takes
/// one argument: <see cref="string"/> gets the argument's UTF-8 text, <c>byte[]</c> its bytes, any other type is
/// parsed from JSON. The result is written the same way (string as UTF-8, bytes as-is, anything else as JSON);
/// a <see cref="ChaincodeResponse"/> result is returned unchanged.</para>
/// <para>Failures: a <see cref="ChaincodeException"/> gives its status and message; arguments that do not parse or
/// do not match in number give 400 with a message naming the parameter; an unknown function gives 400 naming the
/// functions that exist; any other exception gives 500 with the exception's message.</para>
/// </remarks>
public sealed class ContractChaincode : IChaincode
{
    /// <summary>The name of the system contract every contract chaincode has.</summary>
    public const string SystemContractName = "org.hyperledger.fabric";

    private readonly ContractRegistry _registry;

    /// <summary>Creates a chaincode from contract instances; the first is the default unless one is marked default.</summary>
    /// <param name="contracts">The contract instances (one instance serves all transactions, concurrently).</param>
    public ContractChaincode(params IReadOnlyList<object> contracts)
        : this(new ContractChaincodeOptions(), contracts)
    {
    }

    /// <summary>Creates a chaincode from contract instances with settings.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="contracts">The contract instances.</param>
    public ContractChaincode(ContractChaincodeOptions options, params IReadOnlyList<object> contracts)
    {
        _registry = new ContractRegistry(options, contracts);
    }

    /// <summary>The default contract's name.</summary>
    public string DefaultContractName => _registry.DefaultContractName;

    /// <summary>The names of all contracts (without the system contract).</summary>
    public IReadOnlyCollection<string> ContractNames => _registry.ContractNames;

    /// <summary>The JSON that <c>org.hyperledger.fabric:GetMetadata</c> returns.</summary>
    public string MetadataJson => _registry.MetadataJson;

    /// <inheritdoc />
    public Task<ChaincodeResponse> InitAsync(IChaincodeStub stub, CancellationToken cancellationToken) =>
        _registry.InvokeAsync(stub, cancellationToken);

    /// <inheritdoc />
    public Task<ChaincodeResponse> InvokeAsync(IChaincodeStub stub, CancellationToken cancellationToken) =>
        _registry.InvokeAsync(stub, cancellationToken);
}
