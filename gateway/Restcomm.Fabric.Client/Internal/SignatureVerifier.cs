using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Restcomm.Fabric.Client.Internal;

internal static class SignatureVerifier
{
    /// <summary>Verifies a DER ECDSA signature, rejecting high-S values as Fabric's peers do.</summary>
    public static bool Verify(ECPublicKeyParameters key, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        DerInteger r, s;
        try
        {
            var seq = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(signature.ToArray()));
            if (seq.Count != 2)
            {
                return false;
            }

            r = DerInteger.GetInstance(seq[0]);
            s = DerInteger.GetInstance(seq[1]);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidCastException)
        {
            return false;
        }

        if (s.Value.CompareTo(key.Parameters.N.ShiftRight(1)) > 0)
        {
            return false;
        }

        var verifier = new ECDsaSigner();
        verifier.Init(false, key);
        return verifier.VerifySignature(digest.ToArray(), r.Value, s.Value);
    }
}
