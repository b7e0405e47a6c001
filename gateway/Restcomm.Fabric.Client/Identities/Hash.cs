using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;

namespace Restcomm.Fabric.Client;

/// <summary>Computes a digest of a message.</summary>
/// <param name="message">The bytes to hash.</param>
/// <returns>The digest.</returns>
public delegate byte[] HashFunction(ReadOnlySpan<byte> message);

/// <summary>
/// The hash applied to a message before it is passed to the <see cref="ISigner"/>. Fabric's MSPs use SHA-256
/// unless configured otherwise; <see cref="None"/> hands the whole message to signers that hash it themselves.
/// </summary>
public sealed class Hash
{
    private readonly HashFunction _function;

    private Hash(string name, HashFunction function)
    {
        Name = name;
        _function = function;
    }

    /// <summary>SHA-256, the default.</summary>
    public static Hash Sha256 { get; } = new("SHA-256", static m => System.Security.Cryptography.SHA256.HashData(m));

    /// <summary>SHA-384.</summary>
    public static Hash Sha384 { get; } = new("SHA-384", static m => System.Security.Cryptography.SHA384.HashData(m));

    /// <summary>SHA3-256.</summary>
    public static Hash Sha3_256 { get; } = new("SHA3-256", static m => Digest(new Sha3Digest(256), m));

    /// <summary>SHA3-384.</summary>
    public static Hash Sha3_384 { get; } = new("SHA3-384", static m => Digest(new Sha3Digest(384), m));

    /// <summary>No hashing: the signer receives the message itself.</summary>
    public static Hash None { get; } = new("none", static m => m.ToArray());

    /// <summary>A readable name such as <c>SHA-256</c>.</summary>
    public string Name { get; }

    /// <summary>Creates a hash from a function of your own.</summary>
    /// <param name="name">A readable name.</param>
    /// <param name="function">The function computing the digest.</param>
    public static Hash Custom(string name, HashFunction function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        return new Hash(name, function);
    }

    /// <summary>Computes the digest of <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public byte[] Compute(ReadOnlySpan<byte> message) => _function(message);

    /// <inheritdoc />
    public override string ToString() => Name;

    private static byte[] Digest(IDigest digest, ReadOnlySpan<byte> message)
    {
        digest.BlockUpdate(message);
        var result = new byte[digest.GetDigestSize()];
        digest.DoFinal(result, 0);
        return result;
    }
}
