using System.Globalization;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>
/// The chaincode's keys (composite keys: object type and attributes). Every usage batch has keys of its own, so
/// batches endorsed in parallel never read or write a common key.
/// </summary>
internal static class RoamingKeys
{
    /// <summary>Public: <c>roaming.agreement</c> [agreementId] → <c>AgreementState</c>.</summary>
    public const string Agreement = "roaming.agreement";

    /// <summary>Private (pair collection): <c>roaming.agreement-document</c> [agreementId, version 6 digits] → document bytes.</summary>
    public const string AgreementDocument = "roaming.agreement-document";

    /// <summary>Public: <c>roaming.batch</c> [sender, recipient, file sequence 5 digits, batch number 6 digits] → <c>UsageBatchState</c>.</summary>
    public const string Batch = "roaming.batch";

    /// <summary>Private: <c>roaming.batch-records</c> [fileId, batch number 6 digits] → the batch payload.</summary>
    public const string BatchRecords = "roaming.batch-records";

    /// <summary>Public: <c>roaming.period-batch</c> [agreementId, period, fileId, batch number] → the batch key (the statement's index).</summary>
    public const string PeriodBatch = "roaming.period-batch";

    /// <summary>Public: <c>roaming.statement</c> [agreementId, period] → <c>StatementState</c>.</summary>
    public const string Statement = "roaming.statement";

    /// <summary>Private: <c>roaming.statement-figures</c> [agreementId, period] → <c>SettlementStatement</c> JSON.</summary>
    public const string StatementFigures = "roaming.statement-figures";

    public static string AgreementKey(IChaincodeStub stub, string agreementId) => stub.CreateCompositeKey(Agreement, agreementId);

    public static string DocumentKey(IChaincodeStub stub, string agreementId, int version)
        => stub.CreateCompositeKey(AgreementDocument, agreementId, Number(version, 6));

    public static string BatchKey(IChaincodeStub stub, string sender, string recipient, int sequence, int batch)
        => stub.CreateCompositeKey(Batch, sender, recipient, Number(sequence, 5), Number(batch, 6));

    public static string RecordsKey(IChaincodeStub stub, string fileId, int batch) => stub.CreateCompositeKey(BatchRecords, fileId, Number(batch, 6));

    public static string PeriodBatchKey(IChaincodeStub stub, string agreementId, string period, string fileId, int batch)
        => stub.CreateCompositeKey(PeriodBatch, agreementId, period, fileId, Number(batch, 6));

    public static string StatementKey(IChaincodeStub stub, string agreementId, string period) => stub.CreateCompositeKey(Statement, agreementId, period);

    public static string FiguresKey(IChaincodeStub stub, string agreementId, string period) => stub.CreateCompositeKey(StatementFigures, agreementId, period);

    public static string Number(int value, int digits) => value.ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
