using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Restcomm.Fabric.Client;

/// <summary>Where a <see cref="Pkcs11Signer"/> finds its key.</summary>
public sealed record Pkcs11SignerOptions
{
    /// <summary>The vendor's PKCS#11 library, e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c>.</summary>
    public required string Library { get; init; }

    /// <summary>The label of the token that holds the key.</summary>
    public required string TokenLabel { get; init; }

    /// <summary>The user PIN of the token.</summary>
    public required string Pin { get; init; }

    /// <summary>The label (<c>CKA_LABEL</c>) of the private key; with <see cref="KeyId"/>, both must match.</summary>
    public string? KeyLabel { get; init; }

    /// <summary>The id (<c>CKA_ID</c>) of the private key, e.g. the SKI Fabric's BCCSP uses.</summary>
    public byte[]? KeyId { get; init; }
}

/// <summary>
/// Signs with an ECDSA P-256 or P-384 private key that never leaves a PKCS#11 token (an HSM, or SoftHSM2 for tests):
/// the token signs the digest (<c>CKM_ECDSA</c>) and the signer returns the DER <c>(r, s)</c> with the low S value
/// Fabric's MSPs require. One session is opened per signer and calls are serialised on it, as PKCS#11 sessions are not
/// thread-safe; create one signer per gateway. <see cref="GenerateKeyPair"/> makes a key inside the token.
/// </summary>
public sealed class Pkcs11Signer : ISigner, IDisposable
{
    // DER OIDs of the curves, as CKA_EC_PARAMS holds them.
    private static readonly byte[] P256Oid = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    private static readonly byte[] P384Oid = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];

    // PKCS#11 is initialised once per process and library (C_Initialize/C_Finalize): signers on the same library share
    // it, and the last one to go finalises it.
    private static readonly Dictionary<string, (IPkcs11Library Library, int Users)> Libraries = new(StringComparer.Ordinal);
    private static readonly Lock LibrariesLock = new();

    private readonly string _libraryPath;
    private readonly IPkcs11Library _library;
    private readonly ISession _session;
    private readonly IObjectHandle _key;
    private readonly int _fieldBytes;
    private readonly Lock _lock = new();
    private bool _disposed;

    static Pkcs11Signer()
    {
        // Pkcs11Interop loads dlopen from "libdl"; glibc since 2.34 ships only libdl.so.2 (no development symlink), so
        // a machine without the -dev package finds none. Point it at the runtime name.
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, static (name, _, _) =>
                name == "libdl" && (NativeLibrary.TryLoad("libdl.so.2", out var handle) || NativeLibrary.TryLoad("libc.so.6", out handle)) ? handle : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // the application set its own resolver for Pkcs11Interop
        }
    }

    private Pkcs11Signer(string libraryPath, IPkcs11Library library, ISession session, IObjectHandle key, ECParameters publicKey)
    {
        _libraryPath = libraryPath;
        _library = library;
        _session = session;
        _key = key;
        PublicKey = publicKey;
        _fieldBytes = publicKey.Q.X!.Length;
    }

    /// <summary>The public half of the key (to put in the identity's certificate).</summary>
    public ECParameters PublicKey { get; }

    /// <summary>Opens the token and finds the private key and its public key.</summary>
    /// <param name="options">Library, token, PIN and key.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="Pkcs11SignerException">The library, token or key was not found, or the PIN was refused.</exception>
    public static Pkcs11Signer Open(Pkcs11SignerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.KeyLabel is null && options.KeyId is null)
        {
            throw new ArgumentException("Name the key by its label, its id, or both.", nameof(options));
        }

        return WithSession(options, (factories, session) =>
        {
            var privateKey = FindOne(session, factories, CKO.CKO_PRIVATE_KEY, options)
                ?? throw new Pkcs11SignerException($"No private key {Describe(options)} on token '{options.TokenLabel}'.");
            var publicKey = FindOne(session, factories, CKO.CKO_PUBLIC_KEY, options)
                ?? throw new Pkcs11SignerException($"No public key {Describe(options)} on token '{options.TokenLabel}' (it is needed for the certificate and the low-S form).");
            return (privateKey, ReadPublicKey(session, publicKey));
        });
    }

    /// <summary>
    /// Generates an ECDSA key pair inside the token (the private key is sensitive and not extractable) with the
    /// options' label and id, and opens a signer on it.
    /// </summary>
    /// <param name="options">Library, token, PIN, and the new key's label and id.</param>
    /// <param name="curve">P-256 (default) or P-384.</param>
    /// <returns>The signer on the new key.</returns>
    public static Pkcs11Signer GenerateKeyPair(Pkcs11SignerOptions options, ECCurve? curve = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var oid = (curve ?? ECCurve.NamedCurves.nistP256).Oid.Value switch
        {
            "1.2.840.10045.3.1.7" => P256Oid,
            "1.3.132.0.34" => P384Oid,
            var other => throw new ArgumentException($"Curve {other} is not one Fabric's MSPs accept (P-256, P-384).", nameof(curve)),
        };
        var label = options.KeyLabel ?? throw new ArgumentException("A new key needs a label.", nameof(options));
        var id = options.KeyId ?? RandomNumberGenerator.GetBytes(20);
        return WithSession(options, (factories, session) =>
        {
            var attributes = factories.ObjectAttributeFactory;
            var publicTemplate = new List<IObjectAttribute>
            {
                attributes.Create(CKA.CKA_TOKEN, true),
                attributes.Create(CKA.CKA_PRIVATE, false),
                attributes.Create(CKA.CKA_VERIFY, true),
                attributes.Create(CKA.CKA_EC_PARAMS, oid),
                attributes.Create(CKA.CKA_LABEL, label),
                attributes.Create(CKA.CKA_ID, id),
            };
            var privateTemplate = new List<IObjectAttribute>
            {
                attributes.Create(CKA.CKA_TOKEN, true),
                attributes.Create(CKA.CKA_PRIVATE, true),
                attributes.Create(CKA.CKA_SENSITIVE, true),
                attributes.Create(CKA.CKA_EXTRACTABLE, false),
                attributes.Create(CKA.CKA_SIGN, true),
                attributes.Create(CKA.CKA_LABEL, label),
                attributes.Create(CKA.CKA_ID, id),
            };
            session.GenerateKeyPair(
                factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN), publicTemplate, privateTemplate, out var publicKey, out var privateKey);
            return (privateKey, ReadPublicKey(session, publicKey));
        });
    }

    /// <summary>Signs <paramref name="digest"/> in the token and returns a low-S DER signature.</summary>
    /// <param name="digest">The digest to sign.</param>
    /// <returns>The signature.</returns>
    public byte[] Sign(ReadOnlySpan<byte> digest)
    {
        var input = digest.ToArray();
        byte[] rs;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var mechanism = new Pkcs11InteropFactories().MechanismFactory.Create(CKM.CKM_ECDSA);
                rs = _session.Sign(mechanism, _key, input);
            }
            catch (Pkcs11Exception e)
            {
                throw new Pkcs11SignerException($"The token refused to sign: {e.RV}.", e);
            }
        }

        if (rs.Length != 2 * _fieldBytes)
        {
            throw new Pkcs11SignerException($"The token returned a {rs.Length}-byte signature; expected r||s of {2 * _fieldBytes}.");
        }

        return Internal.LowSSignature.FromFixed(rs);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Sign(digest.Span));
    }

    /// <summary>Closes the session, and unloads the library when no other signer uses it.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            // No C_Logout: the login is shared by every session of the application on the token; closing the last
            // session logs it out (PKCS#11 C_CloseSession).
            _session.Dispose();
            Release(_libraryPath, _library);
        }
    }

    private static IPkcs11Library Acquire(Pkcs11InteropFactories factories, string path)
    {
        lock (LibrariesLock)
        {
            if (Libraries.TryGetValue(path, out var loaded))
            {
                Libraries[path] = (loaded.Library, loaded.Users + 1);
                return loaded.Library;
            }

            var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, path, AppType.MultiThreaded);
            Libraries[path] = (library, 1);
            return library;
        }
    }

    private static void Release(string path, IPkcs11Library library)
    {
        lock (LibrariesLock)
        {
            if (Libraries.TryGetValue(path, out var loaded) && ReferenceEquals(loaded.Library, library))
            {
                if (loaded.Users > 1)
                {
                    Libraries[path] = (library, loaded.Users - 1);
                    return;
                }

                Libraries.Remove(path);
            }

            library.Dispose();
        }
    }

    private static Pkcs11Signer WithSession(Pkcs11SignerOptions options, Func<Pkcs11InteropFactories, ISession, (IObjectHandle Key, ECParameters PublicKey)> find)
    {
        var factories = new Pkcs11InteropFactories();
        IPkcs11Library library;
        try
        {
            library = Acquire(factories, options.Library);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException or IOException)
        {
            throw new Pkcs11SignerException($"The PKCS#11 library '{options.Library}' could not be loaded: {e.Message}", e);
        }

        ISession? session = null;
        try
        {
            var slot = library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == options.TokenLabel)
                ?? throw new Pkcs11SignerException($"No token labelled '{options.TokenLabel}' in '{options.Library}'.");
            session = slot.OpenSession(SessionType.ReadWrite);
            try
            {
                session.Login(CKU.CKU_USER, options.Pin);
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                // another session of this application logged in to the token: the login is shared
            }

            var (key, publicKey) = find(factories, session);
            return new Pkcs11Signer(options.Library, library, session, key, publicKey);
        }
        catch (Pkcs11Exception e)
        {
            session?.Dispose();
            Release(options.Library, library);
            throw new Pkcs11SignerException(e.RV == CKR.CKR_PIN_INCORRECT ? $"The PIN of token '{options.TokenLabel}' was refused." : $"PKCS#11 call {e.Method} failed: {e.RV}.", e);
        }
        catch
        {
            session?.Dispose();
            Release(options.Library, library);
            throw;
        }
    }

    private static IObjectHandle? FindOne(ISession session, Pkcs11InteropFactories factories, CKO type, Pkcs11SignerOptions options)
    {
        var template = new List<IObjectAttribute> { factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, type) };
        if (options.KeyLabel is not null)
        {
            template.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, options.KeyLabel));
        }

        if (options.KeyId is not null)
        {
            template.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_ID, options.KeyId));
        }

        var found = session.FindAllObjects(template);
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new Pkcs11SignerException($"{found.Count} keys match {Describe(options)}; name the key by its id too."),
        };
    }

    private static ECParameters ReadPublicKey(ISession session, IObjectHandle publicKey)
    {
        var attributes = session.GetAttributeValue(publicKey, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
        var parameters = attributes[0].GetValueAsByteArray();
        var curve = parameters.AsSpan().SequenceEqual(P256Oid) ? ECCurve.NamedCurves.nistP256
            : parameters.AsSpan().SequenceEqual(P384Oid) ? ECCurve.NamedCurves.nistP384
            : throw new Pkcs11SignerException("The key is not on P-256 or P-384.");
        // CKA_EC_POINT is the DER OCTET STRING of the uncompressed point 04 || X || Y.
        var point = AsnDecoder.ReadOctetString(attributes[1].GetValueAsByteArray(), AsnEncodingRules.DER, out _);
        var size = (point.Length - 1) / 2;
        if (point.Length < 3 || point[0] != 0x04 || point.Length != 1 + (2 * size))
        {
            throw new Pkcs11SignerException("The token's public key is not an uncompressed EC point.");
        }

        return new ECParameters { Curve = curve, Q = new ECPoint { X = point[1..(1 + size)], Y = point[(1 + size)..] } };
    }

    private static string Describe(Pkcs11SignerOptions options) =>
        string.Join(" and ", new[]
        {
            options.KeyLabel is null ? null : $"labelled '{options.KeyLabel}'",
            options.KeyId is null ? null : $"with id {Convert.ToHexString(options.KeyId)}",
        }.Where(p => p is not null));
}

/// <summary>A PKCS#11 token, key or library could not be used for signing.</summary>
public sealed class Pkcs11SignerException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The PKCS#11 error, if any.</param>
    public Pkcs11SignerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
