using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Restcomm.Hashing;

/// <summary>
/// SHA-256 of one short input (a canonical record encoding, a Merkle leaf or node: tens to hundreds of bytes), where
/// the fixed cost of a digest call matters more than the hashing itself: <see cref="IncrementalHash"/> goes through OpenSSL's EVP layer and clears
/// the error queue on every call (≈0.4 µs), while the system libcrypto's low-level SHA256_Init/Update/Final on a
/// per-thread context costs ≈0.1 µs for the same input (with SHA-NI where the CPU has it). The low-level functions
/// are used when libcrypto 3 is present and produces the reference digest; otherwise <see cref="IncrementalHash"/>.
/// </summary>
public static class ShortSha256
{
    /// <summary>Bytes reserved for an OpenSSL SHA256_CTX (112 bytes in every OpenSSL 1.x/3.x build).</summary>
    private const int ContextBytes = 256;

    [ThreadStatic]
    private static byte[]? t_context;

    [ThreadStatic]
    private static IncrementalHash? t_fallback;

    /// <summary>True when the low-level libcrypto path is in use.</summary>
    public static bool UsesLibcrypto { get; } = ProbeLibcrypto();

    /// <summary>A digest context for one thread; pass it to <see cref="Hash(ReadOnlySpan{byte}, Span{byte}, byte[])"/>.</summary>
    public static byte[] NewContext() => GC.AllocateArray<byte>(ContextBytes, pinned: true);

    /// <summary>SHA-256 of <paramref name="data"/> into <paramref name="destination"/> (32 bytes), with this thread's context.</summary>
    /// <param name="data">The input.</param>
    /// <param name="destination">32 bytes.</param>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination) =>
        Hash(data, destination, t_context ??= NewContext());

    /// <summary>SHA-256 of one prefix byte followed by <paramref name="data"/> (a Merkle leaf or node), without copying it.</summary>
    /// <param name="prefix">The first byte hashed.</param>
    /// <param name="data">The rest.</param>
    /// <param name="destination">32 bytes.</param>
    public static void Hash(byte prefix, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (UsesLibcrypto)
        {
            HashWithLibcrypto(new ReadOnlySpan<byte>(in prefix), data, destination, t_context ??= NewContext());
            return;
        }

        var sha = t_fallback ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(new ReadOnlySpan<byte>(in prefix));
        sha.AppendData(data);
        sha.GetHashAndReset(destination);
    }

    /// <summary>As <see cref="Hash(ReadOnlySpan{byte}, Span{byte})"/> with a context the caller keeps (no thread-static lookup).</summary>
    /// <param name="data">The input.</param>
    /// <param name="destination">32 bytes.</param>
    /// <param name="context">A context from <see cref="NewContext"/>, used by one thread at a time.</param>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination, byte[] context)
    {
        if (UsesLibcrypto)
        {
            HashWithLibcrypto([], data, destination, context);
            return;
        }

        var sha = t_fallback ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(data);
        sha.GetHashAndReset(destination);
    }

    private static void HashWithLibcrypto(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data, Span<byte> destination, byte[] context)
    {
        if (destination.Length < 32)
        {
            throw new ArgumentException("a SHA-256 digest needs 32 bytes", nameof(destination));
        }

        if (context.Length < ContextBytes)
        {
            throw new ArgumentException("not a digest context", nameof(context));
        }

        ref var ctx = ref MemoryMarshal.GetArrayDataReference(context);
        if (NativeMethods.Sha256Init(ref ctx) != 1
            || (!prefix.IsEmpty && NativeMethods.Sha256Update(ref ctx, ref MemoryMarshal.GetReference(prefix), (nuint)prefix.Length) != 1)
            || NativeMethods.Sha256Update(ref ctx, ref MemoryMarshal.GetReference(data), (nuint)data.Length) != 1
            || NativeMethods.Sha256Final(ref MemoryMarshal.GetReference(destination), ref ctx) != 1)
        {
            throw new CryptographicException("libcrypto SHA-256 failed");
        }
    }

    private static bool ProbeLibcrypto()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            Span<byte> input = stackalloc byte[200];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (byte)(i * 7);
            }

            Span<byte> native = stackalloc byte[32];
            HashWithLibcrypto([], input, native, NewContext());
            return native.SequenceEqual(SHA256.HashData(input));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CryptographicException)
        {
            return false;
        }
    }

    private static class NativeMethods
    {
        private const string Libcrypto = "libcrypto.so.3";

        [DllImport(Libcrypto, EntryPoint = "SHA256_Init", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Sha256Init(ref byte context);

        [DllImport(Libcrypto, EntryPoint = "SHA256_Update", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Sha256Update(ref byte context, ref byte data, nuint length);

        [DllImport(Libcrypto, EntryPoint = "SHA256_Final", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Sha256Final(ref byte digest, ref byte context);
    }
}
