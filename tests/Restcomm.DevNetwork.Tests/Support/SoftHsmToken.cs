using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Restcomm.Fabric.Client;

namespace Restcomm.Testing.Hsm;

/// <summary>
/// A fresh SoftHSM2 token of the test's own (Debian's softhsm2, installed by tests/setup/softhsm.sh), and a client
/// certificate for a key in it issued by an organisation's CA, so an identity whose key never leaves the token can
/// transact. Shared by the dev-network and the real-Fabric tests.
/// </summary>
internal sealed partial class SoftHsmToken : IDisposable
{
    public const string Library = "/usr/lib/softhsm/libsofthsm2.so";
    private const string Pin = "98765432";
    private readonly string _directory = Directory.CreateTempSubdirectory("restcomm-softhsm-").FullName;
    private readonly string _label = "restcomm-" + Guid.NewGuid().ToString("N")[..8];

    private SoftHsmToken()
    {
    }

    /// <summary>Why the token cannot be made here, or null.</summary>
    public static string? SkipReason { get; } = File.Exists(Library) && File.Exists("/usr/bin/softhsm2-util")
        ? null
        : "SoftHSM2 is not installed (tests/setup/softhsm.sh installs Debian's softhsm2).";

    /// <summary>Initialises a token in a directory of its own.</summary>
    /// <returns>The token.</returns>
    public static SoftHsmToken Create()
    {
        var token = new SoftHsmToken();
        // SoftHSM reads SOFTHSM2_CONF from the process environment when the library initialises, so it is set in the
        // native environment (not only .NET's copy of it).
        var tokens = Directory.CreateDirectory(Path.Combine(token._directory, "tokens")).FullName;
        var conf = Path.Combine(token._directory, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
        if (SetEnv("SOFTHSM2_CONF", conf, 1) != 0)
        {
            throw new InvalidOperationException("setenv SOFTHSM2_CONF failed");
        }

        var init = new ProcessStartInfo("/usr/bin/softhsm2-util") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--init-token", "--free", "--label", token._label, "--pin", Pin, "--so-pin", "12345678" })
        {
            init.ArgumentList.Add(arg);
        }

        init.Environment["SOFTHSM2_CONF"] = conf;
        using var process = Process.Start(init)!;
        process.WaitForExit(30_000);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("softhsm2-util --init-token failed: " + process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd());
        }

        return token;
    }

    /// <summary>The signer options for a key of this token.</summary>
    /// <param name="keyLabel">The key's label.</param>
    /// <returns>The options.</returns>
    public Pkcs11SignerOptions Options(string keyLabel) => new() { Library = Library, TokenLabel = _label, Pin = Pin, KeyLabel = keyLabel };

    /// <summary>A client certificate (NodeOU <c>client</c>) for <paramref name="publicKey"/>, issued by the CA cryptogen made for an organisation.</summary>
    /// <param name="caDirectory">The organisation's <c>ca</c> directory (<c>ca.&lt;domain&gt;-cert.pem</c> and <c>priv_sk</c>).</param>
    /// <param name="publicKey">The key in the token.</param>
    /// <param name="commonName">The identity's name.</param>
    /// <returns>The certificate, PEM.</returns>
    public static string IssueClientCertificate(string caDirectory, ECParameters publicKey, string commonName)
    {
        var certificateFile = Directory.EnumerateFiles(caDirectory, "*-cert.pem").Single();
        using var caCertificate = X509Certificate2.CreateFromPemFile(certificateFile, Path.Combine(caDirectory, "priv_sk"));
        using var caKey = caCertificate.GetECDsaPrivateKey()!;
        using var subjectKey = ECDsa.Create(publicKey);
        var request = new CertificateRequest(
            new X500DistinguishedName($"C=US, ST=California, L=San Francisco, OU=client, CN={commonName}"), subjectKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCertificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(caCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        return issued.ExportCertificatePem();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
