using System.Globalization;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Peering.Internal;

/// <summary>The chaincode's keys (composite keys) and collection names.</summary>
internal static class PeeringKeys
{
    /// <summary>Public: <c>peering.profile</c> [MSP] → <c>ProfileState</c>.</summary>
    public const string Profile = "peering.profile";

    /// <summary>Private (the operator's implicit collection): <c>peering.profile-version</c> [version 6 digits] → profile bytes.</summary>
    public const string ProfileVersion = "peering.profile-version";

    /// <summary>Public: <c>peering.grant</c> [grantId] → <c>GrantState</c>.</summary>
    public const string Grant = "peering.grant";

    /// <summary>Private (pair collection): <c>peering.grant-details</c> [grantId] → the granted part of the profile.</summary>
    public const string GrantDetails = "peering.grant-details";

    /// <summary>Public: <c>peering.client</c> [clientId] → <c>GrantClient</c>.</summary>
    public const string Client = "peering.client";

    /// <summary>Private (pair collection): <c>peering.client-secret</c> [clientId] → SHA-256 hex of the secret.</summary>
    public const string ClientSecret = "peering.client-secret";

    /// <summary>Public: <c>peering.kyc</c> [subject MSP] → <c>KycAttestation</c>.</summary>
    public const string Kyc = "peering.kyc";

    public static string ImplicitCollection(string mspId) => "_implicit_org_" + mspId;

    public static string PairCollection(string a, string b)
        => string.CompareOrdinal(a, b) < 0 ? $"pair-{a}-{b}" : $"pair-{b}-{a}";

    public static string ProfileKey(IChaincodeStub stub, string mspId) => stub.CreateCompositeKey(Profile, mspId);

    public static string ProfileVersionKey(IChaincodeStub stub, int version)
        => stub.CreateCompositeKey(ProfileVersion, version.ToString("D6", CultureInfo.InvariantCulture));

    public static string GrantKey(IChaincodeStub stub, string grantId) => stub.CreateCompositeKey(Grant, grantId);

    public static string DetailsKey(IChaincodeStub stub, string grantId) => stub.CreateCompositeKey(GrantDetails, grantId);

    public static string ClientKey(IChaincodeStub stub, string clientId) => stub.CreateCompositeKey(Client, clientId);

    public static string ClientSecretKey(IChaincodeStub stub, string clientId) => stub.CreateCompositeKey(ClientSecret, clientId);

    public static string KycKey(IChaincodeStub stub, string subject) => stub.CreateCompositeKey(Kyc, subject);
}
