using Restcomm.Fabric.Protos.Common;

namespace Restcomm.DevNetwork.Configuration;

/// <summary>A signer as a policy sees it: its MSP and NodeOU role.</summary>
internal readonly record struct Signer(string MspId, MSPRole.Types.MSPRoleType Role)
{
    public bool Satisfies(MSPRole principal) =>
        principal.MspIdentifier == MspId
        && (principal.Role == MSPRole.Types.MSPRoleType.Member || principal.Role == Role);
}

/// <summary>
/// Evaluates signature policies the way Fabric's cauthdsl does: each signer counts at most once, NOutOf needs N
/// satisfied sub-rules.
/// </summary>
internal sealed class CompiledPolicy
{
    private readonly SignaturePolicyEnvelope _envelope;
    private readonly MSPRole?[] _principals;

    public CompiledPolicy(SignaturePolicyEnvelope envelope, string text)
    {
        _envelope = envelope;
        Text = text;
        _principals = envelope.Identities
            .Select(p => p.PrincipalClassification == MSPPrincipal.Types.Classification.Role ? MSPRole.Parser.ParseFrom(p.Principal) : null)
            .ToArray();
    }

    public string Text { get; }

    public SignaturePolicyEnvelope Envelope => _envelope;

    /// <summary>Organisations named by the policy's principals.</summary>
    public IEnumerable<string> Orgs => _principals.Where(p => p is not null).Select(p => p!.MspIdentifier).Distinct();

    public bool IsSatisfiedBy(IReadOnlyList<Signer> signers)
    {
        var distinct = signers.Distinct().ToArray();
        var used = new bool[distinct.Length];
        return Evaluate(_envelope.Rule, distinct, used);
    }

    private bool Evaluate(SignaturePolicy rule, Signer[] signers, bool[] used)
    {
        switch (rule.TypeCase)
        {
            case SignaturePolicy.TypeOneofCase.SignedBy:
                var principal = rule.SignedBy < _principals.Length ? _principals[rule.SignedBy] : null;
                if (principal is null)
                {
                    return false;
                }
                for (var i = 0; i < signers.Length; i++)
                {
                    if (!used[i] && signers[i].Satisfies(principal))
                    {
                        used[i] = true;
                        return true;
                    }
                }
                return false;
            case SignaturePolicy.TypeOneofCase.NOutOf:
                var satisfied = 0;
                foreach (var sub in rule.NOutOf.Rules)
                {
                    var attempt = (bool[])used.Clone();
                    if (Evaluate(sub, signers, attempt))
                    {
                        satisfied++;
                        Array.Copy(attempt, used, used.Length);
                    }
                }
                return satisfied >= rule.NOutOf.N;
            default:
                return false;
        }
    }
}
