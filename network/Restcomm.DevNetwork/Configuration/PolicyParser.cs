using System.Globalization;
using Google.Protobuf;
using Restcomm.Fabric.Protos.Common;

namespace Restcomm.DevNetwork.Configuration;

/// <summary>
/// Parses Fabric's signature policy language (<c>AND('Org1MSP.peer', OutOf(2, 'A.member', 'B.member', 'C.member'))</c>)
/// into a <see cref="SignaturePolicyEnvelope"/>. MAJORITY, ANY and ALL stand for the channel's writing members' peers,
/// like the default implicit-meta endorsement policy.
/// </summary>
internal static partial class PolicyParser
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^OutOf\(\s*(\d+)\s*,\s*MEMBERS\s*\)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex MembersShorthand();

    public static SignaturePolicyEnvelope Parse(string text, IReadOnlyList<string> channelMembers)
    {
        var trimmed = text.Trim();
        var keyword = trimmed.ToUpperInvariant();
        if (keyword is "MAJORITY" or "ANY" or "ALL")
        {
            var n = keyword switch { "ANY" => 1, "ALL" => channelMembers.Count, _ => (channelMembers.Count / 2) + 1 };
            trimmed = $"OutOf({n}, {string.Join(", ", channelMembers.Select(m => $"'{m}.peer'"))})";
        }
        else if (MembersShorthand().Match(trimmed) is { Success: true } members)
        {
            // OutOf(n, MEMBERS): n of the writing members' peers, whoever they are now; what the real network's scripts
            // write out at each membership change (OutOf(2, <the members' peers>) for the roaming chaincode).
            trimmed = $"OutOf({members.Groups[1].Value}, {string.Join(", ", channelMembers.Select(m => $"'{m}.peer'"))})";
        }
        var envelope = new SignaturePolicyEnvelope { Version = 0 };
        var parser = new Parser(trimmed, envelope);
        envelope.Rule = parser.ParseExpression();
        parser.ExpectEnd();
        return envelope;
    }

    private sealed class Parser(string text, SignaturePolicyEnvelope envelope)
    {
        private int _pos;
        private readonly Dictionary<string, int> _principalIndex = new(StringComparer.Ordinal);

        public SignaturePolicy ParseExpression()
        {
            SkipSpace();
            if (Peek() is '\'' or '"')
            {
                return Principal(ReadQuoted());
            }
            var name = ReadIdentifier();
            Expect('(');
            int n;
            var rules = new List<SignaturePolicy>();
            switch (name.ToUpperInvariant())
            {
                case "AND":
                case "OR":
                    rules.Add(ParseExpression());
                    while (TryConsume(','))
                    {
                        rules.Add(ParseExpression());
                    }
                    n = name.Equals("AND", StringComparison.OrdinalIgnoreCase) ? rules.Count : 1;
                    break;
                case "OUTOF":
                    SkipSpace();
                    var start = _pos;
                    while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                    {
                        _pos++;
                    }
                    if (start == _pos)
                    {
                        throw Error("OutOf needs a count");
                    }
                    n = int.Parse(text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture);
                    while (TryConsume(','))
                    {
                        rules.Add(ParseExpression());
                    }
                    if (n < 1 || n > rules.Count)
                    {
                        throw Error($"OutOf({n}) over {rules.Count} rules");
                    }
                    break;
                default:
                    throw Error($"unknown operator {name}");
            }
            Expect(')');
            var nOutOf = new SignaturePolicy.Types.NOutOf { N = n };
            nOutOf.Rules.AddRange(rules);
            return new SignaturePolicy { NOutOf = nOutOf };
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos != text.Length)
            {
                throw Error("unexpected text after the policy");
            }
        }

        private SignaturePolicy Principal(string value)
        {
            var dot = value.LastIndexOf('.');
            if (dot <= 0)
            {
                throw Error($"principal '{value}' must be MSPID.role");
            }
            var role = value[(dot + 1)..].ToUpperInvariant() switch
            {
                "MEMBER" => MSPRole.Types.MSPRoleType.Member,
                "ADMIN" => MSPRole.Types.MSPRoleType.Admin,
                "CLIENT" => MSPRole.Types.MSPRoleType.Client,
                "PEER" => MSPRole.Types.MSPRoleType.Peer,
                "ORDERER" => MSPRole.Types.MSPRoleType.Orderer,
                _ => throw Error($"unknown role in '{value}'"),
            };
            var key = value[..dot] + "." + role;
            if (!_principalIndex.TryGetValue(key, out var index))
            {
                index = envelope.Identities.Count;
                _principalIndex[key] = index;
                envelope.Identities.Add(new MSPPrincipal
                {
                    PrincipalClassification = MSPPrincipal.Types.Classification.Role,
                    Principal = new MSPRole { MspIdentifier = value[..dot], Role = role }.ToByteString(),
                });
            }
            return new SignaturePolicy { SignedBy = index };
        }

        private string ReadQuoted()
        {
            var quote = text[_pos++];
            var end = text.IndexOf(quote, _pos);
            if (end < 0)
            {
                throw Error("unterminated quote");
            }
            var value = text[_pos..end];
            _pos = end + 1;
            return value;
        }

        private string ReadIdentifier()
        {
            var start = _pos;
            while (_pos < text.Length && char.IsAsciiLetter(text[_pos]))
            {
                _pos++;
            }
            if (start == _pos)
            {
                throw Error("expected AND, OR, OutOf or a quoted principal");
            }
            return text[start.._pos];
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private bool TryConsume(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                return false;
            }
            _pos++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        private InvalidDataException Error(string message) =>
            new($"policy \"{text}\" at {_pos}: {message}");
    }
}
