using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Restcomm.Fabric.Protos.Msp;

namespace Restcomm.Fabric.Shim;

/// <summary>
/// The identity of the client that created the proposal: its MSP ID and X.509 certificate, with the attributes
/// Fabric CA puts in the certificate (extension OID <c>1.2.3.4.5.6.7.8.1</c>, JSON <c>{"attrs":{…}}</c>).
/// Access control should rely on this, never on anything the client merely passes in arguments.
/// </summary>
public sealed class ClientIdentity
{
    /// <summary>The X.509 extension in which Fabric CA stores identity attributes.</summary>
    public const string AttributesOid = "1.2.3.4.5.6.7.8.1";

    private readonly Dictionary<string, string> _attributes;

    private ClientIdentity(string mspId, X509Certificate2 certificate, Dictionary<string, string> attributes, IReadOnlyList<string> organizationalUnits)
    {
        MspId = mspId;
        Certificate = certificate;
        _attributes = attributes;
        OrganizationalUnits = organizationalUnits;
        Subject = FormatDistinguishedName(certificate.SubjectName);
        Issuer = FormatDistinguishedName(certificate.IssuerName);
        Id = $"x509::{Subject}::{Issuer}";
    }

    /// <summary>The MSP ID of the client's organisation.</summary>
    public string MspId { get; }

    /// <summary>The client's certificate (shared by every transaction of the same creator: do not dispose it).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// A stable identifier of the client: <c>x509::&lt;subject DN&gt;::&lt;issuer DN&gt;</c>, each DN written most
    /// specific part first (<c>CN=User1@org1.example.com,OU=client,L=San Francisco,ST=California,C=US</c>).
    /// This is the string the Go shim base64-encodes for its <c>GetID</c>.
    /// </summary>
    public string Id { get; }

    /// <summary>The subject distinguished name, most specific part first.</summary>
    public string Subject { get; }

    /// <summary>The issuer distinguished name, most specific part first.</summary>
    public string Issuer { get; }

    /// <summary>The organisational units in the certificate's subject.</summary>
    public IReadOnlyList<string> OrganizationalUnits { get; }

    /// <summary>The certificate's Fabric CA attributes (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Attributes => _attributes;

    /// <summary>Reads the identity of the stub's transaction creator.</summary>
    /// <param name="stub">The stub.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="ChaincodeException">The creator is missing or not an X.509 identity (status 403).</exception>
    public static ClientIdentity FromStub(IChaincodeStub stub) => FromSerializedIdentity(stub.Creator.Span);

    /// <summary>
    /// Reads an identity from a serialized <c>msp.SerializedIdentity</c>. An identity read before is answered from a
    /// bounded cache keyed by the exact bytes: the same creator sends the same bytes with every proposal, and decoding
    /// its certificate each time was a sizeable share of a small transaction's CPU.
    /// </summary>
    /// <param name="serializedIdentity">The serialized identity (MSP ID and PEM certificate).</param>
    /// <returns>The identity.</returns>
    /// <exception cref="ChaincodeException">The identity is missing or not an X.509 identity (status 403).</exception>
    public static ClientIdentity FromSerializedIdentity(ReadOnlySpan<byte> serializedIdentity)
    {
        var known = Known.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (known.TryGetValue(serializedIdentity, out var identity))
        {
            return identity;
        }

        identity = Read(serializedIdentity);
        if (Volatile.Read(ref _knownCount) < MaxKnown && known.TryAdd(serializedIdentity, identity))
        {
            Interlocked.Increment(ref _knownCount);
        }

        return identity;
    }

    // Identities read so far, by their serialized bytes; bounded so that a stream of one-off creators cannot grow it
    // without end (past the bound, new creators are read every time).
    private const int MaxKnown = 4096;
    private static readonly ConcurrentDictionary<byte[], ClientIdentity> Known = new(BytesComparer.Instance);
    private static int _knownCount;

    private static ClientIdentity Read(ReadOnlySpan<byte> serializedIdentity)
    {
        if (serializedIdentity.IsEmpty)
        {
            throw new ChaincodeException("the transaction has no creator identity", 403);
        }

        SerializedIdentity identity;
        try
        {
            identity = SerializedIdentity.Parser.ParseFrom(serializedIdentity);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new ChaincodeException($"the creator is not a serialized identity: {e.Message}", 403);
        }

        X509Certificate2 certificate;
        try
        {
            var pem = Encoding.ASCII.GetString(identity.IdBytes.Span);
            var fields = System.Security.Cryptography.PemEncoding.Find(pem);
            var der = Convert.FromBase64String(pem[fields.Base64Data]);
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new ChaincodeException("the creator identity is not an X.509 certificate in PEM form (idemix identities are not supported)", 403);
        }

        return new ClientIdentity(identity.Mspid, certificate, ReadAttributes(certificate), ReadOrganizationalUnits(certificate.SubjectName));
    }

    /// <summary>The value of a Fabric CA attribute, or null when the certificate does not carry it.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The value or null.</returns>
    public string? GetAttributeValue(string name) => _attributes.GetValueOrDefault(name);

    /// <summary>True when the certificate carries the attribute with exactly this value.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The expected value.</param>
    /// <returns>Whether the attribute matches.</returns>
    public bool HasAttributeValue(string name, string value) =>
        _attributes.TryGetValue(name, out var actual) && string.Equals(actual, value, StringComparison.Ordinal);

    /// <summary>Fails the transaction with status 403 unless the certificate carries the attribute with this value.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The expected value.</param>
    /// <exception cref="ChaincodeException">The attribute is absent or differs (status 403).</exception>
    public void AssertAttributeValue(string name, string value)
    {
        if (!_attributes.TryGetValue(name, out var actual))
        {
            throw new ChaincodeException($"attribute '{name}' was not found", 403);
        }

        if (!string.Equals(actual, value, StringComparison.Ordinal))
        {
            throw new ChaincodeException($"attribute '{name}' equals '{actual}', not '{value}'", 403);
        }
    }

    /// <summary>True when the certificate's subject has this organisational unit.</summary>
    /// <param name="organizationalUnit">The OU, e.g. <c>client</c>, <c>admin</c>, <c>peer</c>.</param>
    /// <returns>Whether the OU is present.</returns>
    public bool HasOrganizationalUnit(string organizationalUnit) =>
        OrganizationalUnits.Contains(organizationalUnit, StringComparer.Ordinal);

    private static Dictionary<string, string> ReadAttributes(X509Certificate2 certificate)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != AttributesOid)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(extension.RawData);
                if (document.RootElement.ValueKind == JsonValueKind.Object &&
                    document.RootElement.TryGetProperty("attrs", out var attrs) &&
                    attrs.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in attrs.EnumerateObject())
                    {
                        result[property.Name] = property.Value.ValueKind == JsonValueKind.String
                            ? property.Value.GetString() ?? string.Empty
                            : property.Value.GetRawText();
                    }
                }
            }
            catch (JsonException e)
            {
                throw new ChaincodeException($"the certificate's attribute extension is not valid JSON: {e.Message}", 403);
            }
        }

        return result;
    }

    private static List<string> ReadOrganizationalUnits(X500DistinguishedName name)
    {
        var result = new List<string>();
        foreach (var (type, value) in ReadName(name).SelectMany(rdn => rdn))
        {
            if (type == "2.5.4.11" && value is not null)
            {
                result.Add(value);
            }
        }

        return result;
    }

    // Formats like Go's pkix.Name: RDNs in reverse order of the DER sequence, comma separated, '+' inside a
    // multi-valued RDN, short names for common attribute types and #hex for others.
    private static string FormatDistinguishedName(X500DistinguishedName name)
    {
        var rdns = ReadName(name);
        var builder = new StringBuilder();
        for (var i = rdns.Count - 1; i >= 0; i--)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            for (var j = 0; j < rdns[i].Count; j++)
            {
                if (j > 0)
                {
                    builder.Append('+');
                }

                var (type, value) = rdns[i][j];
                if (ShortNames.TryGetValue(type, out var shortName) && value is not null)
                {
                    builder.Append(shortName).Append('=');
                    AppendEscaped(builder, value);
                }
                else
                {
                    builder.Append(type).Append("=#").Append(Convert.ToHexStringLower(rdns[i][j].Raw));
                }
            }
        }

        return builder.ToString();
    }

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["2.5.4.6"] = "C",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.3"] = "CN",
        ["2.5.4.5"] = "SERIALNUMBER",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.9"] = "STREET",
        ["2.5.4.17"] = "POSTALCODE",
    };

    private static void AppendEscaped(StringBuilder builder, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var escape = ((i == 0) && (c == ' ' || c == '#')) || ((i == value.Length - 1) && c == ' ') ||
                c is ',' or '+' or '"' or '\\' or '<' or '>' or ';';
            if (escape)
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }
    }

    private static List<List<NameAttribute>> ReadName(X500DistinguishedName name)
    {
        var result = new List<List<NameAttribute>>();
        var reader = new AsnReader(name.RawData, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        while (sequence.HasData)
        {
            var set = sequence.ReadSetOf();
            var rdn = new List<NameAttribute>();
            while (set.HasData)
            {
                var attribute = set.ReadSequence();
                var type = attribute.ReadObjectIdentifier();
                var raw = attribute.PeekEncodedValue().ToArray();
                string? value = null;
                var tag = attribute.PeekTag();
                if (tag.TagClass == TagClass.Universal && Enum.IsDefined((UniversalTagNumber)tag.TagValue))
                {
                    try
                    {
                        value = attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                    }
                    catch (Exception e) when (e is ArgumentException or AsnContentException)
                    {
                        value = null;
                    }
                }

                rdn.Add(new NameAttribute(type, value, raw));
            }

            result.Add(rdn);
        }

        return result;
    }

    private readonly record struct NameAttribute(string Type, string? Value, byte[] Raw)
    {
        public void Deconstruct(out string type, out string? value)
        {
            type = Type;
            value = Value;
        }
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly BytesComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
