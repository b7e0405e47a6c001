using Google.Protobuf;
using Restcomm.Fabric.Protos.Common;

namespace Restcomm.Fabric.Shim;

/// <summary>
/// A key-level (state-based) endorsement policy: every listed organisation must endorse changes to the key.
/// Serialized as Fabric does it: a <c>common.SignaturePolicyEnvelope</c> with an N-out-of-N rule over
/// <c>MSPRole</c> principals sorted by MSP ID, stored in the key's <c>VALIDATION_PARAMETER</c> metadata entry.
/// </summary>
public sealed class KeyEndorsementPolicy
{
    private readonly SortedDictionary<string, EndorserRole> _orgs = new(StringComparer.Ordinal);

    /// <summary>Creates an empty policy.</summary>
    public KeyEndorsementPolicy()
    {
    }

    /// <summary>Parses a serialized policy (as returned by <see cref="IChaincodeStub.GetStateValidationParameterAsync"/>).</summary>
    /// <param name="policy">The serialized <c>SignaturePolicyEnvelope</c>; null or empty gives an empty policy.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="InvalidProtocolBufferException">The bytes are not a signature policy.</exception>
    public static KeyEndorsementPolicy Parse(ReadOnlySpan<byte> policy)
    {
        var result = new KeyEndorsementPolicy();
        if (policy.IsEmpty)
        {
            return result;
        }

        var envelope = SignaturePolicyEnvelope.Parser.ParseFrom(policy);
        foreach (var identity in envelope.Identities)
        {
            if (identity.PrincipalClassification != MSPPrincipal.Types.Classification.Role)
            {
                continue;
            }

            var role = MSPRole.Parser.ParseFrom(identity.Principal);
            result._orgs[role.MspIdentifier] = role.Role == MSPRole.Types.MSPRoleType.Peer ? EndorserRole.Peer : EndorserRole.Member;
        }

        return result;
    }

    /// <summary>The organisations whose endorsement is required, sorted ordinally.</summary>
    public IReadOnlyCollection<string> Organizations => _orgs.Keys;

    /// <summary>Requires an endorsement from each given organisation.</summary>
    /// <param name="role">Which of the organisation's identities count (members or peers).</param>
    /// <param name="mspIds">The MSP IDs.</param>
    /// <returns>This policy.</returns>
    public KeyEndorsementPolicy AddOrganizations(EndorserRole role, params IReadOnlyList<string> mspIds)
    {
        foreach (var mspId in mspIds)
        {
            ArgumentException.ThrowIfNullOrEmpty(mspId);
            _orgs[mspId] = role;
        }

        return this;
    }

    /// <summary>Removes organisations from the policy.</summary>
    /// <param name="mspIds">The MSP IDs.</param>
    /// <returns>This policy.</returns>
    public KeyEndorsementPolicy RemoveOrganizations(params IReadOnlyList<string> mspIds)
    {
        foreach (var mspId in mspIds)
        {
            _orgs.Remove(mspId);
        }

        return this;
    }

    /// <summary>Serializes the policy for <see cref="IChaincodeStub.SetStateValidationParameterAsync"/>.</summary>
    /// <returns>The serialized <c>SignaturePolicyEnvelope</c>.</returns>
    public byte[] ToBytes()
    {
        var nOutOf = new SignaturePolicy.Types.NOutOf { N = _orgs.Count };
        var envelope = new SignaturePolicyEnvelope { Version = 0, Rule = new SignaturePolicy { NOutOf = nOutOf } };
        var index = 0;
        foreach (var (mspId, role) in _orgs)
        {
            var principal = new MSPRole
            {
                MspIdentifier = mspId,
                Role = role == EndorserRole.Peer ? MSPRole.Types.MSPRoleType.Peer : MSPRole.Types.MSPRoleType.Member,
            };
            envelope.Identities.Add(new MSPPrincipal
            {
                PrincipalClassification = MSPPrincipal.Types.Classification.Role,
                Principal = principal.ToByteString(),
            });
            nOutOf.Rules.Add(new SignaturePolicy { SignedBy = index++ });
        }

        return envelope.ToByteArray();
    }
}

/// <summary>Which identities of an organisation satisfy a key-level endorsement policy.</summary>
public enum EndorserRole
{
    /// <summary>Any member of the organisation.</summary>
    Member,

    /// <summary>Only the organisation's peers.</summary>
    Peer,
}
