using System.Text;

namespace Restcomm.Fabric.Client;

/// <summary>
/// The arguments, transient data and organisations of one transaction proposal. Fluent:
/// <c>new ProposalOptions().AddArguments("a", "b").PutTransient("secret", bytes).WithEndorsingOrganizations("Org1MSP", "Org2MSP")</c>.
/// </summary>
public sealed class ProposalOptions
{
    private readonly List<byte[]> _arguments = [];
    private readonly Dictionary<string, byte[]> _transient = new(StringComparer.Ordinal);
    private readonly List<string> _endorsingOrganizations = [];
    private readonly List<string> _targetOrganizations = [];

    /// <summary>The transaction arguments after the function name, in order.</summary>
    public IReadOnlyList<byte[]> Arguments => _arguments;

    /// <summary>Transient data: given to the chaincode but never written to the ledger (e.g. private data).</summary>
    public IReadOnlyDictionary<string, byte[]> TransientData => _transient;

    /// <summary>
    /// The organisations whose peers must endorse (e.g. the members of a private data collection). Empty lets
    /// the Gateway choose from the endorsement policy. Also used as evaluate targets when
    /// <see cref="TargetOrganizations"/> is empty.
    /// </summary>
    public IReadOnlyList<string> EndorsingOrganizations => _endorsingOrganizations;

    /// <summary>The organisations whose peers may run an evaluate; empty lets the Gateway choose.</summary>
    public IReadOnlyList<string> TargetOrganizations => _targetOrganizations;

    /// <summary>Appends UTF-8 string arguments.</summary>
    /// <param name="arguments">The arguments.</param>
    public ProposalOptions AddArguments(params IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        foreach (var a in arguments)
        {
            _arguments.Add(Encoding.UTF8.GetBytes(a));
        }

        return this;
    }

    /// <summary>Appends byte arguments.</summary>
    /// <param name="arguments">The arguments.</param>
    public ProposalOptions AddArguments(params IEnumerable<byte[]> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        foreach (var a in arguments)
        {
            _arguments.Add(a.ToArray());
        }

        return this;
    }

    /// <summary>Adds (or replaces) a transient data entry.</summary>
    /// <param name="key">The key the chaincode reads.</param>
    /// <param name="value">The value.</param>
    public ProposalOptions PutTransient(string key, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _transient[key] = value.ToArray();
        return this;
    }

    /// <summary>Adds (or replaces) a transient data entry as UTF-8 text.</summary>
    /// <param name="key">The key the chaincode reads.</param>
    /// <param name="value">The value.</param>
    public ProposalOptions PutTransient(string key, string value) => PutTransient(key, Encoding.UTF8.GetBytes(value));

    /// <summary>Sets the organisations that must endorse (replacing any set before).</summary>
    /// <param name="mspIds">MSP IDs.</param>
    public ProposalOptions WithEndorsingOrganizations(params IEnumerable<string> mspIds)
    {
        _endorsingOrganizations.Clear();
        _endorsingOrganizations.AddRange(mspIds);
        return this;
    }

    /// <summary>Sets the organisations whose peers may evaluate (replacing any set before).</summary>
    /// <param name="mspIds">MSP IDs.</param>
    public ProposalOptions WithTargetOrganizations(params IEnumerable<string> mspIds)
    {
        _targetOrganizations.Clear();
        _targetOrganizations.AddRange(mspIds);
        return this;
    }
}
