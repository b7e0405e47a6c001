using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3;

/// <summary>
/// Reads RAP 1.5 (TD.32) files: a ReturnBatch (RapBatchControlInfo, FatalReturn and SevereReturn details with their
/// ErrorDetails, RapAuditControlInfo) or an Acknowledgement. Definite and indefinite lengths are accepted; groups a
/// file leaves out stay null or empty; StopReturn, MissingReturn, operator-specific information and unknown extension
/// items are skipped. Malformed BER throws <see cref="TapFormatException"/> with the byte offset.
/// </summary>
public static class RapDecoder
{
    /// <summary>Decodes a whole RAP file held in memory.</summary>
    public static RapFile Decode(ReadOnlySpan<byte> data)
    {
        var pos = 0;
        var root = Ber.Read(data, ref pos, data.Length, 0, 1, Ber.DefaultMaxDepth);
        if (pos != data.Length)
        {
            Ber.ThrowFormat($"{data.Length - pos} stray bytes after the RAP root element", pos);
        }

        return root.Tag switch
        {
            RapTags.ReturnBatch => new RapFile { ReturnBatch = ReadReturnBatch(data, root) },
            RapTags.Acknowledgement => new RapFile { Acknowledgement = ReadAcknowledgement(data, root) },
            _ => throw new TapFormatException($"root element {TapTags.NameOf(root.Tag)} is neither a RAP ReturnBatch nor an Acknowledgement", 0),
        };
    }

    /// <summary>Reads and decodes a RAP file.</summary>
    public static async Task<RapFile> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        var data = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Decode(data);
    }

    private static BerChildren Children(ReadOnlySpan<byte> data, BerElement parent, int depth) =>
        new(data, parent, 0, depth, Ber.DefaultMaxDepth);

    private static RapReturnBatch ReadReturnBatch(ReadOnlySpan<byte> data, BerElement root)
    {
        var batch = new RapReturnBatch();
        var c = Children(data, root, 2);
        while (c.MoveNext())
        {
            switch (c.Tag)
            {
                case RapTags.RapBatchControlInfo:
                    batch.BatchControl = ReadBatchControl(data, c.Constructed());
                    break;
                case RapTags.ReturnDetailList:
                    var list = c.Children();
                    while (list.MoveNext())
                    {
                        if (ReadReturn(data, ref list) is { } item)
                        {
                            batch.Returns.Add(item);
                        }
                    }

                    break;
                case RapTags.RapAuditControlInfo:
                    var audit = c.Children();
                    while (audit.MoveNext())
                    {
                        switch (audit.Tag)
                        {
                            case RapTags.TotalSevereReturnValue:
                                batch.TotalSevereReturnValue = audit.Integer("TotalSevereReturnValue");
                                break;
                            case RapTags.TotalSevereReturnTax:
                                batch.TotalSevereReturnTax = audit.Integer("TotalSevereReturnTax");
                                break;
                            case RapTags.ReturnDetailsCount:
                                batch.ReturnDetailsCount = audit.Integer("ReturnDetailsCount");
                                break;
                        }
                    }

                    break;
            }
        }

        return batch;
    }

    private static RapBatchControl ReadBatchControl(ReadOnlySpan<byte> data, BerElement group)
    {
        var bc = new RapBatchControl();
        var c = Children(data, group, 3);
        while (c.MoveNext())
        {
            if (ReadFileControlItem(ref c, bc))
            {
                continue;
            }

            switch (c.Tag)
            {
                case TapTags.SpecificationVersionNumber:
                    bc.SpecificationVersion = c.Int32("SpecificationVersionNumber");
                    break;
                case TapTags.ReleaseVersionNumber:
                    bc.ReleaseVersion = c.Int32("ReleaseVersionNumber");
                    break;
                case RapTags.RapSpecificationVersionNumber:
                    bc.RapSpecificationVersion = c.Int32("RapSpecificationVersionNumber");
                    break;
                case RapTags.RapReleaseVersionNumber:
                    bc.RapReleaseVersion = c.Int32("RapReleaseVersionNumber");
                    break;
                case RapTags.RoamingPartner:
                    bc.RoamingPartner = c.Text();
                    break;
                case TapTags.TapDecimalPlaces:
                    bc.TapDecimalPlaces = c.Int32("TapDecimalPlaces");
                    break;
                case TapTags.TapCurrency:
                    bc.TapCurrency = c.Text();
                    break;
            }
        }

        return bc;
    }

    /// <summary>An item RapBatchControlInfo and Acknowledgement share; false when the tag is not one of them.</summary>
    private static bool ReadFileControlItem(ref BerChildren c, RapFileControl control)
    {
        switch (c.Tag)
        {
            case TapTags.Sender:
                control.Sender = c.Text();
                return true;
            case TapTags.Recipient:
                control.Recipient = c.Text();
                return true;
            case TapTags.RapFileSequenceNumber:
                control.RapFileSequenceNumber = c.Text();
                return true;
            case RapTags.RapFileCreationTimeStamp or RapTags.AckFileCreationTimeStamp:
                control.CreationTime = c.Timestamp(TapTags.NameOf(c.Tag));
                return true;
            case RapTags.RapFileAvailableTimeStamp or RapTags.AckFileAvailableTimeStamp:
                control.AvailableTime = c.Timestamp(TapTags.NameOf(c.Tag));
                return true;
            case TapTags.FileTypeIndicator:
                control.FileTypeIndicator = c.Text();
                return true;
            default:
                return false;
        }
    }

    private static RapReturn? ReadReturn(ReadOnlySpan<byte> data, ref BerChildren list)
    {
        if (list.Tag is not (RapTags.FatalReturn or RapTags.SevereReturn))
        {
            return null; // StopReturn, MissingReturn, extensions
        }

        var isFatal = list.Tag == RapTags.FatalReturn;
        var c = list.Children();
        var fileSequence = string.Empty;
        var groups = new List<RapGroupError>();
        ReadOnlyMemory<byte> callEventData = ReadOnlyMemory<byte>.Empty;
        IReadOnlyList<RapErrorDetail> errors = [];
        while (c.MoveNext())
        {
            if (c.Tag == TapTags.FileSequenceNumber)
            {
                fileSequence = c.Text();
            }
            else if (isFatal && RapTags.GroupOf(c.Tag) is RapFatalGroup group)
            {
                groups.Add(ReadGroupError(data, c.Constructed(), group, c.ChildDepth));
            }
            else if (!isFatal && c.Tag == RapTags.ErrorDetailList)
            {
                errors = ReadErrors(data, c.Constructed(), c.ChildDepth);
            }
            else if (!isFatal && c.Tag != RapTags.OperatorSpecList && callEventData.IsEmpty)
            {
                callEventData = BerDefinite.Rewrite(data[c.Current.Start..c.Current.End]);
            }
        }

        if (isFatal)
        {
            return new RapFatalReturn(fileSequence, groups);
        }

        return new RapSevereReturn(fileSequence, callEventData, errors) { CallEvent = TryDecodeCallEvent(callEventData.Span) };
    }

    private static CallEvent? TryDecodeCallEvent(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        try
        {
            return CallEventDecoder.Decode(data, 0, new TapDecodeContext(Ber.DefaultMaxDepth));
        }
        catch (Exception ex) when (ex is TapValueException or TapFormatException)
        {
            return null;
        }
    }

    private static RapGroupError ReadGroupError(ReadOnlySpan<byte> data, BerElement element, RapFatalGroup group, int depth)
    {
        ReadOnlyMemory<byte> groupData = ReadOnlyMemory<byte>.Empty;
        IReadOnlyList<RapErrorDetail> errors = [];
        var c = Children(data, element, depth);
        while (c.MoveNext())
        {
            if (c.Tag == RapTags.ErrorDetailList)
            {
                errors = ReadErrors(data, c.Constructed(), c.ChildDepth);
            }
            else if (groupData.IsEmpty)
            {
                groupData = BerDefinite.Rewrite(data[c.Current.Start..c.Current.End]);
            }
        }

        return new RapGroupError(group, groupData, errors);
    }

    private static List<RapErrorDetail> ReadErrors(ReadOnlySpan<byte> data, BerElement list, int depth)
    {
        var result = new List<RapErrorDetail>();
        var items = Children(data, list, depth);
        while (items.MoveNext())
        {
            if (items.Tag != RapTags.ErrorDetail)
            {
                continue;
            }

            int? code = null;
            long? offset = null;
            var context = new List<RapErrorContext>();
            var c = items.Children();
            while (c.MoveNext())
            {
                switch (c.Tag)
                {
                    case RapTags.ErrorCode:
                        code = c.Int32("ErrorCode");
                        break;
                    case RapTags.ItemOffset:
                        offset = c.Integer("ItemOffset");
                        break;
                    case RapTags.ErrorContextList:
                        var steps = c.Children();
                        while (steps.MoveNext())
                        {
                            context.Add(ReadContext(ref steps));
                        }

                        break;
                }
            }

            if (code is null)
            {
                Ber.ThrowFormat("ErrorDetail without ErrorCode", items.Offset);
            }

            result.Add(new RapErrorDetail(code!.Value, offset, context));
        }

        return result;
    }

    private static RapErrorContext ReadContext(ref BerChildren step)
    {
        int? pathItem = null, occurrence = null, level = null;
        var c = step.Children();
        while (c.MoveNext())
        {
            switch (c.Tag)
            {
                case RapTags.PathItemId:
                    pathItem = c.Int32("PathItemId");
                    break;
                case RapTags.ItemOccurrence:
                    occurrence = c.Int32("ItemOccurrence");
                    break;
                case RapTags.ItemLevel:
                    level = c.Int32("ItemLevel");
                    break;
            }
        }

        if (pathItem is null || level is null)
        {
            Ber.ThrowFormat("ErrorContext without PathItemId or ItemLevel", step.Offset);
        }

        return new RapErrorContext(pathItem!.Value, occurrence, level!.Value);
    }

    private static RapAcknowledgement ReadAcknowledgement(ReadOnlySpan<byte> data, BerElement root)
    {
        var ack = new RapAcknowledgement();
        var c = Children(data, root, 2);
        while (c.MoveNext())
        {
            ReadFileControlItem(ref c, ack);
        }

        return ack;
    }
}
