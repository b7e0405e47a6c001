namespace Restcomm.Numbers;

/// <summary>Where a port stands: requested → concurred or conflict → activated; cancelled ends it early.</summary>
public enum PortStatus
{
    /// <summary>The recipient asked; the donor has not answered.</summary>
    Requested,

    /// <summary>The donor agreed: the recipient may activate.</summary>
    Concurred,

    /// <summary>The donor objected with a reason: no activation until it concurs, or the port is cancelled.</summary>
    Conflict,

    /// <summary>The number moved to the recipient (terminal).</summary>
    Activated,

    /// <summary>Withdrawn (terminal).</summary>
    Cancelled,
}

/// <summary>Why a donor objects to a port (the causes number-portability administrations use).</summary>
public enum ConflictReason
{
    /// <summary>The donor holds no matching authorisation from the subscriber.</summary>
    NoAuthorisation,

    /// <summary>The due time does not match what was agreed with the subscriber.</summary>
    DueDateMismatch,

    /// <summary>The request names a subscriber account that does not match the number.</summary>
    SubscriberMismatch,

    /// <summary>The number is not in service at the donor.</summary>
    VacantNumber,

    /// <summary>A contractual obligation prevents the port (e.g. an unpaid early-termination fee where regulation allows).</summary>
    ContractObligation,

    /// <summary>Suspected slamming or fraud.</summary>
    FraudSuspected,

    /// <summary>Any other cause.</summary>
    Other,
}

/// <summary>A port of one number from the donor (its serving provider) to the recipient.</summary>
public sealed record PortRequest
{
    /// <summary>The port: the number's digits and a sequence per number, e.g. <c>447700900123-1</c>.</summary>
    public required string PortId { get; init; }

    /// <summary>The number.</summary>
    public required E164Number E164 { get; init; }

    /// <summary>The provider losing the number.</summary>
    public required string Donor { get; init; }

    /// <summary>The provider gaining it.</summary>
    public required string Recipient { get; init; }

    /// <summary>SHA-256 of the subscriber's signed letter of authorisation (the letter stays with the recipient).</summary>
    public required string ConsentHash { get; init; }

    /// <summary>Status.</summary>
    public required PortStatus Status { get; init; }

    /// <summary>When the recipient asked.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>When the port activates if the donor has not answered (the donor's window ends here).</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>The donor's objection while in conflict (kept after it concurs or the port is cancelled).</summary>
    public ConflictReason? ConflictReason { get; init; }

    /// <summary>When the donor concurred.</summary>
    public DateTimeOffset? ConcurredAt { get; init; }

    /// <summary>When it activated.</summary>
    public DateTimeOffset? ActivatedAt { get; init; }

    /// <summary>True when it activated at its due time without the donor's answer.</summary>
    public bool ActivatedByTimeout { get; init; }

    /// <summary>Who cancelled it.</summary>
    public string? CancelledBy { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The transaction that last changed it.</summary>
    public required string TxId { get; init; }

    /// <summary>Whether the port is still open (not activated or cancelled).</summary>
    public bool IsOpen => Status is PortStatus.Requested or PortStatus.Concurred or PortStatus.Conflict;

    /// <summary>The port ID of a number's <paramref name="sequence"/>th port.</summary>
    /// <param name="number">The number.</param>
    /// <param name="sequence">1, 2, …</param>
    /// <returns>The ID.</returns>
    public static string IdOf(E164Number number, int sequence) => $"{number.Digits}-{sequence}";

    /// <summary>Reads the number and sequence from a port ID.</summary>
    /// <param name="portId">The ID.</param>
    /// <param name="number">The number.</param>
    /// <param name="sequence">The sequence.</param>
    /// <returns>True when well formed.</returns>
    public static bool TryParseId(string? portId, out E164Number number, out int sequence)
    {
        number = default;
        sequence = 0;
        var dash = portId?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        return dash > 0
            && E164Number.TryParse(portId.AsSpan(0, dash), out number, out _)
            && int.TryParse(portId.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence)
            && sequence > 0
            && portId == IdOf(number, sequence);
    }
}

/// <summary>
/// The porting state machine. Pure: the caller, the current state and the transaction's time in, the next state out;
/// a step that is not allowed throws <see cref="NumberRuleException"/>.
/// </summary>
/// <remarks>
/// Only the recipient requests, with the consent hash and a due time at least the donor's window away. Only the donor
/// concurs (also to settle its own conflict) or raises a conflict, and a conflict only before the due time. The recipient
/// activates once the donor concurred, or at the due time when the donor has not answered; never while in conflict.
/// The recipient may cancel an open port; the donor only one it holds in conflict.
/// </remarks>
public static class PortRules
{
    /// <summary>The donor's window when the deployment does not set one (NPAC's T1+T2 fit in it).</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    /// <summary>A recipient asks to port a number its serving provider (the donor) holds.</summary>
    /// <param name="number">The number.</param>
    /// <param name="donor">Its serving provider.</param>
    /// <param name="recipient">The caller.</param>
    /// <param name="consentHash">SHA-256 of the letter of authorisation.</param>
    /// <param name="dueAt">The wanted due time, or null for the end of the window.</param>
    /// <param name="previous">The number's last port, if any.</param>
    /// <param name="now">The transaction's time.</param>
    /// <param name="window">The donor's window.</param>
    /// <param name="txId">The transaction.</param>
    /// <returns>The new port.</returns>
    public static PortRequest Request(
        E164Number number, string donor, string recipient, string consentHash, DateTimeOffset? dueAt, PortRequest? previous, DateTimeOffset now, TimeSpan window, string txId)
    {
        if (donor == recipient)
        {
            throw new NumberRuleException(NumberRuleException.PortParty, $"{recipient} already serves {number}; a port moves a number to another provider");
        }

        if (previous is { IsOpen: true })
        {
            throw new NumberRuleException(NumberRuleException.PortPending, $"port {previous.PortId} of {number} is still {previous.Status}; it must activate or be cancelled first");
        }

        if (!NumberRules.IsSha256Hex(consentHash))
        {
            throw NumberRuleException.Invalid("a port needs the SHA-256 (64 hex digits) of the subscriber's letter of authorisation");
        }

        var earliest = now + window;
        if (dueAt is { } wanted && wanted < earliest)
        {
            throw NumberRuleException.Invalid($"the due time {wanted:O} leaves the donor less than its window ({window}); the earliest is {earliest:O}");
        }

        return new PortRequest
        {
            PortId = PortRequest.IdOf(number, PortSequence(previous) + 1),
            E164 = number,
            Donor = donor,
            Recipient = recipient,
            ConsentHash = consentHash.ToLowerInvariant(),
            Status = PortStatus.Requested,
            RequestedAt = now,
            DueAt = dueAt ?? earliest,
            UpdatedAt = now,
            TxId = txId,
        };
    }

    /// <summary>The donor agrees (also to settle a conflict it raised).</summary>
    /// <param name="port">The port.</param>
    /// <param name="caller">The caller's MSP ID.</param>
    /// <param name="now">The transaction's time.</param>
    /// <param name="txId">The transaction.</param>
    /// <returns>The port, concurred.</returns>
    public static PortRequest Concur(PortRequest port, string caller, DateTimeOffset now, string txId)
    {
        ArgumentNullException.ThrowIfNull(port);
        RequireParty(port, caller, port.Donor, "concur");
        RequireStatus(port, "concur", PortStatus.Requested, PortStatus.Conflict);
        return port with { Status = PortStatus.Concurred, ConcurredAt = now, UpdatedAt = now, TxId = txId };
    }

    /// <summary>The donor objects, before the due time.</summary>
    /// <param name="port">The port.</param>
    /// <param name="caller">The caller's MSP ID.</param>
    /// <param name="reason">The cause.</param>
    /// <param name="now">The transaction's time.</param>
    /// <param name="txId">The transaction.</param>
    /// <returns>The port, in conflict.</returns>
    public static PortRequest Conflict(PortRequest port, string caller, ConflictReason reason, DateTimeOffset now, string txId)
    {
        ArgumentNullException.ThrowIfNull(port);
        RequireParty(port, caller, port.Donor, "raise a conflict on");
        RequireStatus(port, "raise a conflict on", PortStatus.Requested, PortStatus.Concurred);
        if (!Enum.IsDefined(reason))
        {
            throw NumberRuleException.Invalid($"conflict reason {(int)reason} is not known");
        }

        if (now >= port.DueAt)
        {
            throw new NumberRuleException(NumberRuleException.PortState, $"the donor's window for port {port.PortId} closed at its due time {port.DueAt:O}");
        }

        return port with { Status = PortStatus.Conflict, ConflictReason = reason, UpdatedAt = now, TxId = txId };
    }

    /// <summary>The recipient cancels an open port, or the donor one it holds in conflict.</summary>
    /// <param name="port">The port.</param>
    /// <param name="caller">The caller's MSP ID.</param>
    /// <param name="now">The transaction's time.</param>
    /// <param name="txId">The transaction.</param>
    /// <returns>The port, cancelled.</returns>
    public static PortRequest Cancel(PortRequest port, string caller, DateTimeOffset now, string txId)
    {
        ArgumentNullException.ThrowIfNull(port);
        if (caller == port.Recipient)
        {
            RequireStatus(port, "cancel", PortStatus.Requested, PortStatus.Concurred, PortStatus.Conflict);
        }
        else if (caller == port.Donor)
        {
            if (port.Status != PortStatus.Conflict)
            {
                throw new NumberRuleException(port.IsOpen ? NumberRuleException.PortParty : NumberRuleException.PortState,
                    port.IsOpen
                        ? $"the donor may cancel port {port.PortId} only while it holds it in conflict; it is {port.Status}"
                        : $"port {port.PortId} is {port.Status}; only an open port can be cancelled");
            }
        }
        else
        {
            throw new NumberRuleException(NumberRuleException.PortParty, $"{caller} is neither the donor nor the recipient of port {port.PortId}");
        }

        return port with { Status = PortStatus.Cancelled, CancelledBy = caller, UpdatedAt = now, TxId = txId };
    }

    /// <summary>The recipient activates: after concurrence, or at the due time when the donor did not answer.</summary>
    /// <param name="port">The port.</param>
    /// <param name="caller">The caller's MSP ID.</param>
    /// <param name="now">The transaction's time.</param>
    /// <param name="txId">The transaction.</param>
    /// <returns>The port, activated.</returns>
    public static PortRequest Activate(PortRequest port, string caller, DateTimeOffset now, string txId)
    {
        ArgumentNullException.ThrowIfNull(port);
        RequireParty(port, caller, port.Recipient, "activate");
        RequireStatus(port, "activate", PortStatus.Requested, PortStatus.Concurred);
        if (port.Status == PortStatus.Requested && now < port.DueAt)
        {
            throw new NumberRuleException(NumberRuleException.PortNotDue,
                $"port {port.PortId} has no answer from {port.Donor} yet and is due at {port.DueAt:O}; it activates then without one");
        }

        return port with
        {
            Status = PortStatus.Activated,
            ActivatedAt = now,
            ActivatedByTimeout = port.Status == PortStatus.Requested,
            UpdatedAt = now,
            TxId = txId,
        };
    }

    /// <summary>The number's record once the port activated: the recipient serves it, with nothing published yet.</summary>
    /// <param name="port">The activated port.</param>
    /// <param name="previous">The number's own record before the port, if it had one.</param>
    /// <param name="block">The block the number belongs to, if any.</param>
    /// <returns>The new record.</returns>
    public static NumberRecord RecordAfter(PortRequest port, NumberRecord? previous, NumberBlock? block)
    {
        ArgumentNullException.ThrowIfNull(port);
        var lineType = previous?.Profile.LineType ?? block?.Profile.LineType ?? LineType.Mobile;
        return new NumberRecord
        {
            E164 = port.E164,
            Provider = port.Recipient,
            Profile = new NumberProfile { LineType = lineType },
            Block = previous?.Block ?? block?.Id.ToString(),
            UpdatedAt = port.UpdatedAt,
            TxId = port.TxId,
        };
    }

    private static int PortSequence(PortRequest? previous)
        => previous is not null && PortRequest.TryParseId(previous.PortId, out _, out var sequence) ? sequence : 0;

    private static void RequireParty(PortRequest port, string caller, string party, string step)
    {
        if (caller != party)
        {
            throw new NumberRuleException(NumberRuleException.PortParty, $"only {party} may {step} port {port.PortId}, not {caller}");
        }
    }

    private static void RequireStatus(PortRequest port, string step, params PortStatus[] allowed)
    {
        if (!allowed.Contains(port.Status))
        {
            throw new NumberRuleException(NumberRuleException.PortState, $"port {port.PortId} is {port.Status}; one cannot {step} it now");
        }
    }
}
